//! The organisation and its people as pages name them: every unit, and the
//! display names of units, matters and users, read once and kept until they
//! change. Pages render dozens of names per request; reading three whole
//! tables for each was most of a page's queries.
//!
//! When it changes: units and users are written only through [`Services`]
//! (the admin pages, registration), which drop the kept copy; matters can
//! also change from another process (an Excel import from the command
//! line), so their published heads are compared on every use, one small
//! query, as the catalog snapshot does.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use domain::unit::{Role, Unit, User};
use store::Actor;

use super::{Result, Services};

/// Names for the codes cases carry: units, matters and users.
#[derive(Debug, Default)]
pub struct Names {
    units: HashMap<String, String>,
    matters: HashMap<String, String>,
    users: HashMap<String, String>,
    /// Units with someone who reviews or decides (an approver or a head).
    staffed: HashSet<String>,
}

impl Names {
    /// A unit's name (its code when unknown).
    pub fn unit(&self, code: &str) -> String {
        self.units
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_owned())
    }

    /// A matter's name (its code when unknown).
    pub fn matter(&self, code: &str) -> String {
        self.matters
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_owned())
    }

    /// Whether the unit has someone to review or decide its part of a case.
    pub fn staffed(&self, unit: &str) -> bool {
        self.staffed.contains(unit)
    }

    /// A user's display name (the login when unknown; 系统 for the platform).
    pub fn user(&self, username: &str) -> String {
        match self.users.get(username) {
            Some(n) => n.clone(),
            None if username == "system" => "系统".to_owned(),
            None => username.to_owned(),
        }
    }
}

/// The units and the names, with the matter heads they were read at.
#[derive(Debug)]
pub struct Directory {
    heads: Vec<(String, u32)>,
    units: Arc<Vec<Unit>>,
    names: Arc<Names>,
}

impl Services {
    async fn directory(&self) -> Result<Arc<Directory>> {
        let mut heads = self.store.matter_heads().await?;
        heads.sort_unstable();
        if let Some(kept) = self.directory.get().filter(|k| k.heads == heads) {
            return Ok(kept);
        }
        let units = self.store.units().await?;
        let users = self.store.users().await?;
        let names = Names {
            units: units
                .iter()
                .map(|u| (u.code.to_string(), u.name.clone()))
                .collect(),
            matters: self
                .store
                .matters()
                .await?
                .into_iter()
                .map(|v| (v.matter.code.to_string(), v.matter.name))
                .collect(),
            users: users
                .iter()
                .map(|u| (u.username.clone(), u.display_name.clone()))
                .collect(),
            staffed: users
                .iter()
                .filter(|u| matches!(u.role, Role::Approver | Role::DepartmentHead))
                .map(|u| u.unit.as_str().to_owned())
                .collect(),
        };
        let kept = Arc::new(Directory {
            heads,
            units: Arc::new(units),
            names: Arc::new(names),
        });
        self.directory.set(Some(kept.clone()));
        Ok(kept)
    }

    /// Every unit of the organisation tree.
    pub async fn units(&self) -> Result<Arc<Vec<Unit>>> {
        Ok(self.directory().await?.units.clone())
    }

    /// The names of units, matters and users.
    pub async fn names(&self) -> Result<Arc<Names>> {
        Ok(self.directory().await?.names.clone())
    }

    /// Drops the kept directory; the next use reads it again. Called after
    /// every change to units or users made through the service layer.
    pub fn forget_directory(&self) {
        self.directory.set(None);
    }

    /// Adds or changes a unit (audited as `actor`).
    pub async fn put_unit(&self, unit: &Unit, actor: &Actor) -> store::Result<()> {
        let done = self.store.put_unit(unit, actor, self.clock.now()).await;
        self.forget_directory();
        done
    }

    /// Changes a user's name, unit or role (audited as `actor`).
    pub async fn put_user(&self, user: &User, actor: &Actor) -> store::Result<()> {
        let done = self.store.put_user(user, actor, self.clock.now()).await;
        self.forget_directory();
        done
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::FixedClock;
    use domain::case::WarningRule;

    #[tokio::test]
    async fn a_renamed_unit_or_user_reads_anew() {
        let db = store::testing::sqlite().await;
        let clock = Arc::new(FixedClock::new(chrono::Utc::now()));
        let s = Services::new(db.store.clone(), clock, WarningRule::default())
            .await
            .unwrap();
        assert_eq!(
            s.names().await.unwrap().unit("zgb"),
            "栖霞市政务服务管理办公室"
        );
        let kept = s.names().await.unwrap();
        assert!(
            Arc::ptr_eq(&kept, &s.names().await.unwrap()),
            "kept between uses"
        );

        let mut unit = s
            .units()
            .await
            .unwrap()
            .iter()
            .find(|u| u.code.as_str() == "zgb")
            .cloned()
            .unwrap();
        unit.name = "栖霞市行政审批服务局".into();
        s.put_unit(&unit, &Actor::system()).await.unwrap();
        assert_eq!(s.names().await.unwrap().unit("zgb"), "栖霞市行政审批服务局");

        let mut clerk = db
            .store
            .users()
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.username == "clerk")
            .unwrap();
        clerk.display_name = "赵新".into();
        s.put_user(&clerk, &Actor::system()).await.unwrap();
        assert_eq!(s.names().await.unwrap().user("clerk"), "赵新");
    }
}

//! The sqlite backend's OrgStore.

use super::catalog::import;
use super::*;

pub(super) fn insert_unit(tx: &Transaction<'_>, u: &Unit) -> Result<()> {
    let parent_kind: Option<String> = match &u.parent {
        Some(p) => Some(
            tx.query_row(
                "SELECT kind FROM units WHERE code = ?1",
                [p.as_str()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("上级单位 {p}")))?,
        ),
        None => None,
    };
    let parent_kind = parent_kind.as_deref().and_then(UnitKind::parse);
    if !u.kind.may_sit_under(parent_kind) {
        return Err(StoreError::Invalid(format!(
            "单位“{}”不能隶属于该上级单位",
            u.name
        )));
    }
    tx.execute(
        "INSERT INTO units (code, name, kind, parent, example) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind,
             parent = excluded.parent, example = excluded.example",
        params![
            u.code.as_str(),
            u.name,
            u.kind.as_str(),
            u.parent.as_ref().map(UnitCode::as_str),
            u.example
        ],
    )?;
    Ok(())
}

pub(super) fn insert_user(tx: &Transaction<'_>, u: &User, now: DateTime<Utc>) -> Result<()> {
    let known: Option<String> = tx
        .query_row(
            "SELECT code FROM units WHERE code = ?1",
            [u.unit.as_str()],
            |r| r.get(0),
        )
        .optional()?;
    if known.is_none() {
        return Err(StoreError::NotFound(format!("单位 {}", u.unit)));
    }
    tx.execute(
        "INSERT INTO users (username, display_name, unit, role, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name,
             unit = excluded.unit, role = excluded.role",
        params![u.username, u.display_name, u.unit.as_str(), u.role.as_str(), now],
    )?;
    Ok(())
}

#[async_trait]
impl crate::OrgStore for super::SqliteStore {
    async fn units(&self) -> Result<Vec<Unit>> {
        self.call(|c| {
            let mut st = c.prepare_cached(
                "SELECT code, name, kind, parent, example FROM units ORDER BY code",
            )?;
            let rows = st.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get(4)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (code, name, kind, parent, example) = row?;
                out.push(Unit {
                    code: UnitCode::parse(&code).map_err(|e| StoreError::Backend(e.to_string()))?,
                    name,
                    kind: UnitKind::parse(&kind).ok_or_else(|| bad_enum("unit kind", &kind))?,
                    parent: parent
                        .map(|p| UnitCode::parse(&p))
                        .transpose()
                        .map_err(|e| StoreError::Backend(e.to_string()))?,
                    example,
                });
            }
            Ok(out)
        })
        .await
    }

    async fn put_unit(&self, unit: &Unit, actor: &Actor, now: DateTime<Utc>) -> Result<()> {
        let unit = unit.clone();
        let actor = actor.clone();
        let after = serde_json::to_string(&unit).map_err(json_err)?;
        self.write(move |tx| {
            let before: Option<String> = tx
                .query_row(
                    "SELECT json_object('code', code, 'name', name, 'kind', kind, 'parent', parent, 'example', json(CASE WHEN example THEN 'true' ELSE 'false' END))
                     FROM units WHERE code = ?1",
                    [unit.code.as_str()],
                    |r| r.get(0),
                )
                .optional()?;
            insert_unit(tx, &unit)?;
            let e = entry(&actor, "unit", unit.code.as_str(), "put", before, Some(after.clone()));
            append_audit(tx, &e, now)
        })
        .await
    }

    async fn users(&self) -> Result<Vec<User>> {
        self.call(|c| {
            let mut st = c.prepare(
                "SELECT username, display_name, unit, role FROM users ORDER BY username",
            )?;
            let rows = st.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (username, display_name, unit, role) = row?;
                out.push(User {
                    username,
                    display_name,
                    unit: UnitCode::parse(&unit).map_err(|e| StoreError::Backend(e.to_string()))?,
                    role: Role::parse(&role).ok_or_else(|| bad_enum("role", &role))?,
                });
            }
            Ok(out)
        })
        .await
    }

    async fn put_user(&self, user: &User, actor: &Actor, now: DateTime<Utc>) -> Result<()> {
        let user = user.clone();
        let actor = actor.clone();
        let after = serde_json::to_string(&user).map_err(json_err)?;
        self.write(move |tx| {
            let before: Option<String> = tx
                .query_row(
                    "SELECT json_object('username', username, 'display_name', display_name, 'unit', unit, 'role', role)
                     FROM users WHERE username = ?1",
                    [user.username.as_str()],
                    |r| r.get(0),
                )
                .optional()?;
            insert_user(tx, &user, now)?;
            let e = entry(&actor, "user", &user.username, "put", before, Some(after.clone()));
            append_audit(tx, &e, now)
        })
        .await
    }

    async fn calendar_years(&self) -> Result<Vec<YearArrangement>> {
        self.call(|c| {
            let mut st = c.prepare("SELECT arrangement FROM calendar_years ORDER BY year")?;
            let rows = st.query_map([], |r| r.get::<_, String>(0))?;
            let mut out = Vec::new();
            for row in rows {
                out.push(serde_json::from_str(&row?).map_err(json_err)?);
            }
            Ok(out)
        })
        .await
    }

    async fn put_calendar_year(
        &self,
        year: &YearArrangement,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let body = serde_json::to_string(year).map_err(json_err)?;
        let y = year.year;
        let actor = actor.clone();
        self.write(move |tx| {
            let before: Option<String> = tx
                .query_row("SELECT arrangement FROM calendar_years WHERE year = ?1", [y], |r| r.get(0))
                .optional()?;
            append_audit(tx, &entry(&actor, "calendar", &y.to_string(), "load", before, Some(body.clone())), now)?;
            tx.execute(
                "INSERT INTO calendar_years (year, arrangement, loaded_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (year) DO UPDATE SET arrangement = excluded.arrangement, loaded_at = excluded.loaded_at",
                params![y, body, now],
            )?;
            Ok(())
        })
        .await
    }

    async fn seed_defaults(&self, now: DateTime<Utc>) -> Result<bool> {
        let data = crate::catalog_rules::Defaults::load()?;
        self.write(move |tx| {
            let done: Option<String> = tx
                .query_row(
                    "SELECT name FROM seed_state WHERE name = 'defaults'",
                    [],
                    |r| r.get(0),
                )
                .optional()?;
            if done.is_some() {
                return Ok(false);
            }
            for u in &data.units {
                insert_unit(tx, u)?;
            }
            for u in &data.users {
                insert_user(tx, u, now)?;
            }
            import(tx, &data.catalog, &Actor::system(), now)?;
            tx.execute(
                "INSERT INTO seed_state (name, seeded_at) VALUES ('defaults', ?1)",
                params![now],
            )?;
            Ok(true)
        })
        .await
    }
}

//! The postgres backend's OrgStore.

use super::catalog::import;
use super::*;

pub(super) async fn insert_unit(tx: &Transaction<'_>, u: &Unit) -> Result<()> {
    let parent_kind = match &u.parent {
        Some(p) => {
            let row = tx
                .query_opt("SELECT kind FROM units WHERE code = $1", &[&p.as_str()])
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("上级单位 {p}")))?;
            UnitKind::parse(row.get::<_, &str>(0))
        }
        None => None,
    };
    if !u.kind.may_sit_under(parent_kind) {
        return Err(StoreError::Invalid(format!(
            "单位“{}”不能隶属于该上级单位",
            u.name
        )));
    }
    tx.execute(
        "INSERT INTO units (code, name, kind, parent, example) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind,
             parent = excluded.parent, example = excluded.example",
        &[
            &u.code.as_str(),
            &u.name,
            &u.kind.as_str(),
            &u.parent.as_ref().map(UnitCode::as_str),
            &u.example,
        ],
    )
    .await?;
    Ok(())
}

pub(super) async fn insert_user(tx: &Transaction<'_>, u: &User, now: DateTime<Utc>) -> Result<()> {
    if tx
        .query_opt("SELECT 1 FROM units WHERE code = $1", &[&u.unit.as_str()])
        .await?
        .is_none()
    {
        return Err(StoreError::NotFound(format!("单位 {}", u.unit)));
    }
    tx.execute(
        "INSERT INTO users (username, display_name, unit, role, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name,
             unit = excluded.unit, role = excluded.role",
        &[&u.username, &u.display_name, &u.unit.as_str(), &u.role.as_str(), &now],
    )
    .await?;
    Ok(())
}

#[async_trait]
impl crate::OrgStore for super::PostgresStore {
    async fn units(&self) -> Result<Vec<Unit>> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                "SELECT code, name, kind, parent, example FROM units ORDER BY code",
                &[],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let kind: &str = r.get(2);
                Ok(Unit {
                    code: UnitCode::parse(r.get(0)).map_err(backend)?,
                    name: r.get(1),
                    kind: UnitKind::parse(kind).ok_or_else(|| bad_enum("unit kind", kind))?,
                    parent: r
                        .get::<_, Option<&str>>(3)
                        .map(UnitCode::parse)
                        .transpose()
                        .map_err(backend)?,
                    example: r.get(4),
                })
            })
            .collect()
    }

    async fn put_unit(&self, unit: &Unit, actor: &Actor, now: DateTime<Utc>) -> Result<()> {
        let after = serde_json::to_string(unit).map_err(json_err)?;
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let before = tx
            .query_opt(
                "SELECT json_build_object('code', code, 'name', name, 'kind', kind, 'parent', parent, 'example', example)::text
                 FROM units WHERE code = $1",
                &[&unit.code.as_str()],
            )
            .await?
            .map(|r| r.get::<_, String>(0));
        insert_unit(&tx, unit).await?;
        let e = entry(
            actor,
            "unit",
            unit.code.as_str(),
            "put",
            before,
            Some(after),
        );
        append_audit(&tx, &e, now).await?;
        Ok(tx.commit().await?)
    }

    async fn users(&self) -> Result<Vec<User>> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                "SELECT username, display_name, unit, role FROM users ORDER BY username",
                &[],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let role: &str = r.get(3);
                Ok(User {
                    username: r.get(0),
                    display_name: r.get(1),
                    unit: UnitCode::parse(r.get(2)).map_err(backend)?,
                    role: Role::parse(role).ok_or_else(|| bad_enum("role", role))?,
                })
            })
            .collect()
    }

    async fn put_user(&self, user: &User, actor: &Actor, now: DateTime<Utc>) -> Result<()> {
        let after = serde_json::to_string(user).map_err(json_err)?;
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let before = tx
            .query_opt(
                "SELECT json_build_object('username', username, 'display_name', display_name, 'unit', unit, 'role', role)::text
                 FROM users WHERE username = $1",
                &[&user.username],
            )
            .await?
            .map(|r| r.get::<_, String>(0));
        insert_user(&tx, user, now).await?;
        let e = entry(actor, "user", &user.username, "put", before, Some(after));
        append_audit(&tx, &e, now).await?;
        Ok(tx.commit().await?)
    }

    async fn calendar_years(&self) -> Result<Vec<YearArrangement>> {
        let client = self.pool.get().await?;
        let rows = client
            .query("SELECT arrangement FROM calendar_years ORDER BY year", &[])
            .await?;
        rows.iter()
            .map(|r| serde_json::from_value(r.get::<_, serde_json::Value>(0)).map_err(json_err))
            .collect()
    }

    async fn put_calendar_year(
        &self,
        year: &YearArrangement,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let body = serde_json::to_value(year).map_err(json_err)?;
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let before = tx
            .query_opt(
                "SELECT arrangement FROM calendar_years WHERE year = $1",
                &[&year.year],
            )
            .await?
            .map(|r| r.get::<_, serde_json::Value>(0).to_string());
        let who = entry(
            actor,
            "calendar",
            &year.year.to_string(),
            "load",
            before,
            Some(body.to_string()),
        );
        append_audit(&tx, &who, now).await?;
        tx
            .execute(
                "INSERT INTO calendar_years (year, arrangement, loaded_at) VALUES ($1, $2, $3)
                 ON CONFLICT (year) DO UPDATE SET arrangement = excluded.arrangement, loaded_at = excluded.loaded_at",
                &[&year.year, &body, &now],
            )
            .await?;
        Ok(tx.commit().await?)
    }

    async fn seed_defaults(&self, now: DateTime<Utc>) -> Result<bool> {
        let data = Defaults::load()?;
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await?;
        if tx
            .query_opt("SELECT 1 FROM seed_state WHERE name = 'defaults'", &[])
            .await?
            .is_some()
        {
            return Ok(false);
        }
        for u in &data.units {
            insert_unit(&tx, u).await?;
        }
        for u in &data.users {
            insert_user(&tx, u, now).await?;
        }
        import(&tx, &data.catalog, &Actor::system(), now).await?;
        tx.execute(
            "INSERT INTO seed_state (name, seeded_at) VALUES ('defaults', $1)",
            &[&now],
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}

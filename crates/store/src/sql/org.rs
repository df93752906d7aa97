//! Units, users, the working-day calendar and the first seeding: the SQL.

use super::audit::append;
use super::{Cells, Db, Json, bad_enum, catalog};
use crate::audit::entry;
use crate::catalog_rules::Defaults;
use crate::{Actor, Result, StoreError};
use chrono::{DateTime, Utc};
use domain::calendar::YearArrangement;
use domain::unit::{Role, Unit, UnitCode, UnitKind, User};

fn unit_code(code: &str) -> Result<UnitCode> {
    UnitCode::parse(code).map_err(|e| StoreError::Backend(e.to_string()))
}

/// A user from four columns from `at` on: username, display name, unit, role.
pub(crate) fn user_row(r: &dyn Cells, at: usize) -> Result<User> {
    let role: String = r.get(at + 3)?;
    Ok(User {
        username: r.get(at)?,
        display_name: r.get(at + 1)?,
        unit: unit_code(&r.get::<String>(at + 2)?)?,
        role: Role::parse(&role).ok_or_else(|| bad_enum("role", &role))?,
    })
}

/// A unit kind from column `i`.
pub(crate) fn unit_kind(r: &dyn Cells, i: usize) -> Result<UnitKind> {
    let kind: String = r.get(i)?;
    UnitKind::parse(&kind).ok_or_else(|| bad_enum("unit kind", &kind))
}

const UNIT: &str = "SELECT code, name, kind, parent, example FROM units";

fn unit_row(r: &dyn Cells) -> Result<Unit> {
    Ok(Unit {
        code: unit_code(&r.get::<String>(0)?)?,
        name: r.get(1)?,
        kind: unit_kind(r, 2)?,
        parent: r
            .get::<Option<String>>(3)?
            .as_deref()
            .map(unit_code)
            .transpose()?,
        example: r.get(4)?,
    })
}

/// Every unit, by code.
pub(crate) async fn units(db: &impl Db) -> Result<Vec<Unit>> {
    db.rows(&format!("{UNIT} ORDER BY code"), &[], unit_row)
        .await
}

/// Stores a unit (new, or replacing the one with its code) under a parent
/// that exists and that its kind may sit under.
async fn insert_unit(db: &impl Db, u: &Unit) -> Result<()> {
    let parent_kind = match &u.parent {
        Some(p) => {
            let kind: String = db
                .one(
                    "SELECT kind FROM units WHERE code = $1",
                    &[&p.as_str()],
                    super::first,
                    || StoreError::NotFound(format!("上级单位 {p}")),
                )
                .await?;
            UnitKind::parse(&kind)
        }
        None => None,
    };
    if !u.kind.may_sit_under(parent_kind) {
        return Err(StoreError::Invalid(format!(
            "单位“{}”不能隶属于该上级单位",
            u.name
        )));
    }
    db.exec(
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

/// Stores a unit with its audit record.
pub(crate) async fn put_unit(
    db: &impl Db,
    unit: &Unit,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    let before = db
        .opt(
            &format!("{UNIT} WHERE code = $1"),
            &[&unit.code.as_str()],
            unit_row,
        )
        .await?;
    insert_unit(db, unit).await?;
    let before = before.as_ref().map(Json::of).transpose()?.map(|j| j.0);
    let audit = entry(
        actor,
        "unit",
        unit.code.as_str(),
        "put",
        before,
        Some(Json::of(unit)?.0),
    );
    append(db, &audit, now).await
}

const USER: &str = "SELECT username, display_name, unit, role FROM users";

/// Every user, by username.
pub(crate) async fn users(db: &impl Db) -> Result<Vec<User>> {
    db.rows(&format!("{USER} ORDER BY username"), &[], |r| {
        user_row(r, 0)
    })
    .await
}

/// `NotFound` unless the unit exists.
pub(crate) async fn unit_exists(db: &impl Db, unit: &UnitCode) -> Result<()> {
    let sql = "SELECT 1 FROM units WHERE code = $1";
    let found = db.opt(sql, &[&unit.as_str()], |_| Ok(())).await?;
    found.ok_or_else(|| StoreError::NotFound(format!("单位 {unit}")))
}

/// Stores a user (new, or replacing the one with its username) of a unit
/// that exists.
async fn insert_user(db: &impl Db, u: &User, now: DateTime<Utc>) -> Result<()> {
    unit_exists(db, &u.unit).await?;
    db.exec(
        "INSERT INTO users (username, display_name, unit, role, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name,
             unit = excluded.unit, role = excluded.role",
        &[&u.username, &u.display_name, &u.unit.as_str(), &u.role.as_str(), &now],
    )
    .await?;
    Ok(())
}

/// Stores a user with its audit record.
pub(crate) async fn put_user(
    db: &impl Db,
    user: &User,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    let before = db
        .opt(
            &format!("{USER} WHERE username = $1"),
            &[&user.username],
            |r| user_row(r, 0),
        )
        .await?;
    insert_user(db, user, now).await?;
    let before = before.as_ref().map(Json::of).transpose()?.map(|j| j.0);
    let audit = entry(
        actor,
        "user",
        &user.username,
        "put",
        before,
        Some(Json::of(user)?.0),
    );
    append(db, &audit, now).await
}

/// Every year's working-day arrangement, by year.
pub(crate) async fn calendar_years(db: &impl Db) -> Result<Vec<YearArrangement>> {
    db.rows(
        "SELECT arrangement FROM calendar_years ORDER BY year",
        &[],
        |r| r.json(0),
    )
    .await
}

/// Stores a year's arrangement (replacing the one loaded before) with its
/// audit record.
pub(crate) async fn put_calendar_year(
    db: &impl Db,
    year: &YearArrangement,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    let body = Json::of(year)?;
    let before = db
        .opt(
            "SELECT arrangement FROM calendar_years WHERE year = $1",
            &[&year.year],
            |r| r.json_raw(0),
        )
        .await?;
    db.exec(
        "INSERT INTO calendar_years (year, arrangement, loaded_at) VALUES ($1, $2, $3)
         ON CONFLICT (year) DO UPDATE SET arrangement = excluded.arrangement, loaded_at = excluded.loaded_at",
        &[&year.year, &body, &now],
    )
    .await?;
    let audit = entry(
        actor,
        "calendar",
        &year.year.to_string(),
        "load",
        before,
        Some(body.0),
    );
    append(db, &audit, now).await
}

/// Loads the default units, users and catalog into a database that has
/// never had them; whether it did.
pub(crate) async fn seed_defaults(db: &impl Db, now: DateTime<Utc>) -> Result<bool> {
    let data = Defaults::load()?;
    // Seeding writes the audit chain; holding its lock from the start makes
    // a second process opening the same database wait, then find it seeded.
    db.lock_audit().await?;
    let done = db
        .opt(
            "SELECT 1 FROM seed_state WHERE name = 'defaults'",
            &[],
            |_| Ok(()),
        )
        .await?;
    if done.is_some() {
        return Ok(false);
    }
    for u in &data.units {
        insert_unit(db, u).await?;
    }
    for u in &data.users {
        insert_user(db, u, now).await?;
    }
    catalog::import(db, &data.catalog, &Actor::system(), now).await?;
    db.exec(
        "INSERT INTO seed_state (name, seeded_at) VALUES ('defaults', $1)",
        &[&now],
    )
    .await?;
    Ok(true)
}

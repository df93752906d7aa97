//! Hotline tickets on SQLite; the SQL is `sql::tickets`'s.

use super::*;

use crate::sql::{Lite, now, tickets};
use crate::{NewTicket, TicketEventRecord, TicketFilter, TicketRecord, TicketUpdate};

#[async_trait]
impl crate::TicketStore for super::SqliteStore {
    async fn create_ticket(&self, new: &NewTicket) -> Result<TicketRecord> {
        let new = new.clone();
        self.write(move |tx| now(tickets::create(&Lite(tx), &new)))
            .await
    }

    async fn update_ticket(&self, update: &TicketUpdate) -> Result<TicketRecord> {
        let update = update.clone();
        self.write(move |tx| now(tickets::update(&Lite(tx), &update)))
            .await
    }

    async fn ticket(&self, id: i64) -> Result<TicketRecord> {
        self.quick(move |c| now(tickets::load(&Lite(c), id))).await
    }

    async fn ticket_events(&self, id: i64) -> Result<Vec<TicketEventRecord>> {
        self.quick(move |c| now(tickets::events(&Lite(c), id)))
            .await
    }

    async fn list_tickets(&self, filter: &TicketFilter) -> Result<Vec<TicketRecord>> {
        let filter = filter.clone();
        self.call(move |c| now(tickets::list(&Lite(c), &filter)))
            .await
    }

    async fn put_open311_key(
        &self,
        name: &str,
        key_hash: &str,
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let (name, key_hash, actor) = (name.to_owned(), key_hash.to_owned(), actor.clone());
        self.write(move |tx| now(tickets::put_key(&Lite(tx), &name, &key_hash, &actor, at)))
            .await
    }

    async fn open311_key(&self, key_hash: &str) -> Result<String> {
        let key_hash = key_hash.to_owned();
        self.quick(move |c| now(tickets::key(&Lite(c), &key_hash)))
            .await
    }
}

//! Hotline tickets on PostgreSQL; the SQL is `sql::tickets`'s.

use super::*;

use crate::sql::{Pg, tickets};
use crate::{NewTicket, TicketEventRecord, TicketFilter, TicketRecord, TicketUpdate};

#[async_trait]
impl crate::TicketStore for super::PostgresStore {
    async fn create_ticket(&self, new: &NewTicket) -> Result<TicketRecord> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let out = tickets::create(&Pg(&tx), new).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn update_ticket(&self, update: &TicketUpdate) -> Result<TicketRecord> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let out = tickets::update(&Pg(&tx), update).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn ticket(&self, id: i64) -> Result<TicketRecord> {
        tickets::load(&Pg(&self.pool.get().await?), id).await
    }

    async fn ticket_events(&self, id: i64) -> Result<Vec<TicketEventRecord>> {
        tickets::events(&Pg(&self.pool.get().await?), id).await
    }

    async fn list_tickets(&self, filter: &TicketFilter) -> Result<Vec<TicketRecord>> {
        tickets::list(&Pg(&self.pool.get().await?), filter).await
    }

    async fn put_open311_key(
        &self,
        name: &str,
        key_hash: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        tickets::put_key(&Pg(&tx), name, key_hash, actor, now).await?;
        Ok(tx.commit().await?)
    }

    async fn open311_key(&self, key_hash: &str) -> Result<String> {
        tickets::key(&Pg(&self.pool.get().await?), key_hash).await
    }
}

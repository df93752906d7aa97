//! `onewindow demo` makes hotline tickets in every state, the same every time.

use domain::hotline::TicketState;
use store::TicketFilter;

use super::support::d;

#[tokio::test]
async fn the_demo_has_tickets_in_every_state() {
    for db in store::testing::all().await {
        let b = db.store.backend();
        app::demo::generate(db.store.clone(), d(3, 20), 1)
            .await
            .expect("demo data");
        let tickets = db
            .store
            .list_tickets(&TicketFilter::default())
            .await
            .unwrap();
        for state in TicketState::ALL {
            assert!(
                tickets.iter().any(|t| t.ticket.state == *state),
                "[{b}] no demo ticket is {state}"
            );
        }
        assert!(
            tickets
                .iter()
                .any(|t| t.ticket.extensions.iter().any(|e| e.approved.is_none())),
            "[{b}] an extension waits for the hotline"
        );
        let merged = tickets
            .iter()
            .find(|t| t.ticket.state == TicketState::Merged)
            .unwrap();
        assert!(merged.ticket.merged_into.is_some(), "[{b}]");
        let mut states: Vec<_> = tickets.iter().map(|t| (t.id, t.ticket.state)).collect();
        states.sort();
        // Again on a fresh database: the same tickets in the same states.
        let again = store::testing::sqlite().await;
        app::demo::generate(again.store.clone(), d(3, 20), 1)
            .await
            .unwrap();
        let mut twice: Vec<_> = again
            .store
            .list_tickets(&TicketFilter::default())
            .await
            .unwrap()
            .iter()
            .map(|t| (t.id, t.ticket.state))
            .collect();
        twice.sort();
        assert_eq!(states, twice, "[{b}] deterministic");
    }
}

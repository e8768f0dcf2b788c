//! Compaction in the server: once every known client holds a removal the server forgets it
//! (and stores the compacted state); a client offline across that compaction comes back,
//! is sent the complete state, and converges: its offline changes survive, the entries
//! removed meanwhile stay removed.

mod common;

use common::{connect, converge, json, start};
use weft::Object;
use weft_server::SyncClient;

fn tags(client: &common::Client) -> Vec<String> {
    let mut tags: Vec<String> = client
        .replica()
        .store()
        .get_set("tags")
        .map(|set| set.iter().map(|tag| format!("{tag:?}")).collect())
        .unwrap_or_default();
    tags.sort();
    tags
}

async fn edit_tags(client: &mut common::Client, add: &[u32], remove: &[u32]) {
    client
        .edit(|root| {
            Object::edit(root, |root| {
                let mut set = root.add_wins_set("tags");
                for tag in add {
                    set.insert(format!("t{tag}"));
                }
                for tag in remove {
                    set.remove(&format!("t{tag}").into());
                }
            });
        })
        .await
        .expect("the edit is sent");
}

#[tokio::test]
async fn a_client_offline_across_a_compaction_converges_through_the_server() {
    let (server, _directory) = start(|config| {
        config.storage.compact_every_changes = 5;
        config.storage.stability_expiry_seconds = 0; // a client that left is not waited for
    })
    .await;
    let url = server.sync_url("board");
    let mut clients = vec![connect(&url).await, connect(&url).await];
    let all: Vec<u32> = (0..20).collect();
    edit_tags(&mut clients[0], &all, &[]).await;
    converge(&mut clients).await;
    // Bob goes offline holding every tag; alice removes half, one change each, and the
    // server (which knows only alice now) compacts them away.
    let bob = clients.pop().expect("bob");
    let (mut bob_replica, bob_state) = bob.into_parts();
    for tag in 0..10 {
        edit_tags(&mut clients[0], &[], &[tag]).await;
    }
    converge(&mut clients).await;
    // Offline, bob adds a tag and removes one alice kept.
    bob_replica.update(|root| {
        Object::edit(root, |root| {
            let mut set = root.add_wins_set("tags");
            set.insert("t100");
            set.remove(&"t19".into());
        });
    });
    let mut state = bob_state;
    state.reconnect();
    let bob = SyncClient::connect_with_state(&url, bob_replica, state)
        .await
        .expect("bob reconnects");
    clients.push(bob);
    converge(&mut clients).await;
    assert_eq!(json(clients[0].replica()), json(clients[1].replica()));
    let expected: Vec<String> = {
        let mut tags: Vec<String> = (10..19)
            .chain([100])
            .map(|tag| format!("{:?}", weft::Value::from(format!("t{tag}"))))
            .collect();
        tags.sort();
        tags
    };
    assert_eq!(tags(&clients[1]), expected);
    assert_eq!(tags(&clients[0]), expected);
    // Bob was below the server's compaction point: it was sent the complete state, and
    // took the point over.
    assert!(!clients[1].replica().compacted().is_empty());
    // A newcomer, and the stored state after a restart, agree.
    let mut newcomer = connect(&url).await;
    newcomer.settle().await.expect("the newcomer settles");
    assert_eq!(json(newcomer.replica()), json(clients[0].replica()));
    server.shutdown().await.expect("a clean shutdown");
}

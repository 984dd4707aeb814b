//! PostgreSQL, phase 1 of issue 19, against a real server (`support::pg`: a
//! throwaway cluster, or `$FEEDSIEVE_TEST_POSTGRES`): the schema's migrations.

mod support;

use support::pg::{self, off_runtime};

#[test]
fn migrations_apply_once_and_again_do_nothing() {
    let db = pg::database();
    let url = db.url.clone();
    off_runtime(move || {
        use feedsieve::store::postgres::{connect, migrate};
        let mut client = connect(&url).unwrap();
        assert_eq!(
            migrate::run(&mut client).unwrap(),
            migrate::MIGRATIONS.len()
        );
        assert_eq!(migrate::run(&mut client).unwrap(), 0);
        // A second connection (a second daemon) finds nothing to do either.
        let mut other = connect(&url).unwrap();
        assert_eq!(migrate::run(&mut other).unwrap(), 0);
        let recorded: i64 = client
            .query_one("SELECT COUNT(*) FROM feedsieve_migrations", &[])
            .unwrap()
            .get(0);
        assert_eq!(recorded, migrate::MIGRATIONS.len() as i64);
        for view in ["story_list", "feed_health", "page_failures", "story_ids"] {
            client
                .query(format!("SELECT * FROM {view} LIMIT 1").as_str(), &[])
                .unwrap_or_else(|e| panic!("{view}: {e}"));
        }
        // A changed migration is refused, not applied again.
        client
            .execute(
                "UPDATE feedsieve_migrations SET checksum = '\\x00' WHERE version = 1",
                &[],
            )
            .unwrap();
        let e = migrate::run(&mut client).unwrap_err();
        assert!(matches!(e, migrate::PgMigrateError::Changed(1)), "{e}");
    });
}

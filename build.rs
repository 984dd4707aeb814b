// Embeds migrations/*.sql in the binary (src/store/migrate.rs includes the
// generated list), in version order, and rebuilds when the folder changes;
// likewise PostgreSQL's own, migrations/postgres/*.sql (src/store/postgres/migrate.rs).
use std::fmt::Write as _;

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    embed(&root, "migrations.rs");
    embed(&root.join("postgres"), "postgres_migrations.rs");
}

/// Writes `OUT_DIR/<out>`: the list of `dir`'s `<version>_<description>.sql`.
fn embed(dir: &std::path::Path, out: &str) {
    let dir = dir.to_path_buf();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("migrations/ folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    files.sort();
    let mut list = String::from("&[\n");
    for path in files {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("UTF-8 name");
        let (version, description) = name.split_once('_').expect("<version>_<description>.sql");
        let version: i64 = version.parse().expect("numeric migration version");
        // As sqlx named them in `_sqlx_migrations`: underscores read as spaces.
        let description = description.replace('_', " ");
        writeln!(
            list,
            "    Migration {{ version: {version}, description: {description:?}, sql: include_str!({:?}) }},",
            path.display().to_string()
        )
        .expect("write to String");
    }
    list.push(']');
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join(out);
    std::fs::write(out, list).expect("write migrations.rs");
}

// sqlx::migrate! embeds migrations/ at compile time but does not notice a new
// file on its own; this makes cargo rebuild when the folder changes.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}

//! `cargo run --release --example extract_explain -- PAGE.html[.gz]`: the
//! extractor's decisions on one page, run by run, and the text it returns.

use std::io::Read;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: extract_explain PAGE.html[.gz]");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).unwrap_or_default();
    let mut html = String::new();
    if path.ends_with(".gz") {
        let _ = flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut html);
    } else {
        html = String::from_utf8_lossy(&bytes).into_owned();
    }
    print!("{}", feedsieve::extract::explain(&html));
    if let Some(a) = feedsieve::extract::extract(&html, None) {
        println!("--- {} title={:?}\n{}", a.method.as_str(), a.title, a.text);
    }
}

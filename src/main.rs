//! The `feedsieve` command line: a thin edge over the library. Errors become
//! one readable message and a non-zero exit; nothing here parses feeds.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

use feedsieve::config::{self, Config};

/// Like `println!`, but a closed stdout (`feedsieve stories | head`) is an
/// error to return, not a panic; `main` ends quietly on a broken pipe.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)?
    }};
}
use feedsieve::store::{Access, Store};

#[derive(Parser)]
#[command(
    name = "feedsieve",
    version,
    about = "Fetches feeds, strips boilerplate, collapses syndicated copies, stores it all in SQLite"
)]
struct Cli {
    /// The feed list [default: $FEEDSIEVE_CONFIG, else /etc/feedsieve/feedsieve.toml]
    #[arg(long, short, global = true, env = "FEEDSIEVE_CONFIG")]
    config: Option<PathBuf>,
    /// The database (a SQLite file, or postgres://… for copy and the read commands), overriding [storage] database.
    #[arg(long, global = true, env = "FEEDSIEVE_DATABASE")]
    database: Option<PathBuf>,
    /// More logging (-v: one line per fetch, -vv: everything); RUST_LOG overrides.
    #[arg(long, short, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the daemon: fetch every feed on its schedule until SIGTERM.
    Run {
        /// Fetch every enabled feed once, store, and exit.
        #[arg(long)]
        once: bool,
    },
    /// Validate the config; print each problem as file:line:col: message.
    Check,
    /// List the feeds: name, URL, last fetch, HTTP status, last error, entries, next due.
    Feeds {
        /// Print JSON (one object per feed) instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// The daemons sharing a PostgreSQL database and the feeds each holds leased (read-only).
    Fleet {
        /// Print JSON ({"daemons", "leases", "per_host"}) instead of tables.
        #[arg(long)]
        json: bool,
    },
    /// Full-text search over stories, best first, one hit per story.
    Search {
        /// Words (all must match); "a phrase", OR, NOT and prefix* work too.
        query: Vec<String>,
        /// Show at most this many stories, best first.
        #[arg(long, default_value_t = 20)]
        limit: i64,
        /// Print JSON (one object per hit, with its score and snippet).
        #[arg(long)]
        json: bool,
    },
    /// Apply retention ([storage] keep), merge the search index and compact the database.
    Vacuum,
    /// List stories (syndicated copies collapsed), newest first, with the feeds that carried each.
    Stories {
        /// Only stories first seen within this long, e.g. 24h or 7d.
        #[arg(long, value_parser = feedsieve::units::parse_duration)]
        since: Option<std::time::Duration>,
        /// At most this many stories, the newest.
        #[arg(long)]
        limit: Option<i64>,
        /// Print JSON (one object per story, with its feeds) instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Recompute fingerprints and stories over all stored entries (after changing [dedup]).
    Rededup,
    /// Fetch, parse and clean a feed without storing it: each entry's text and every removed block with its reason.
    Preview {
        /// A feed URL (http, https, file) or a local file.
        target: String,
        /// Print JSON (each entry's text and removed blocks with reasons).
        #[arg(long)]
        json: bool,
    },
    /// Clean every stored entry again from its raw HTML, and re-extract stored pages (after changing [clean] rules).
    Reclean,
    /// Print the article extracted from each page (a file or URL): title and text. Reads no config, writes nothing.
    Extract {
        /// Local HTML files or http(s) URLs.
        #[arg(required = true)]
        sources: Vec<String>,
        /// One JSON object a line: {"source", "title", "text", "html"}.
        #[arg(long)]
        json: bool,
    },
    /// Add the feeds of an OPML file to the config (keeping its comments); skip those already listed.
    ImportOpml {
        /// The OPML subscription list.
        file: PathBuf,
    },
    /// Print the feed list as OPML 2.0 (disabled feeds as commented-out outlines).
    ExportOpml,
    /// Add a feed to the config (keeping its comments): a feed's URL, or a site's page whose feed is found.
    Add {
        /// A feed URL, or a web page that links to its feed (several found: they are listed, pick one).
        url: String,
        /// The feed's name in the feed list (default: the feed's own title).
        #[arg(long)]
        name: Option<String>,
        /// Its category, e.g. "News/World" (`/` separates levels).
        #[arg(long)]
        category: Option<String>,
    },
    /// Remove a feed from the config, by URL or name (its stored entries stay in the database).
    Remove {
        /// The feed's URL or its name.
        feed: String,
    },
    /// Copy the database to PostgreSQL (--to postgres://user@host/db), or from PostgreSQL into a new SQLite file (--from …); resumable, verified by counts. Stop the daemon first.
    Copy {
        /// The PostgreSQL database to copy the SQLite database (--database or [storage] database) into.
        #[arg(
            long,
            value_name = "URL",
            required_unless_present = "from",
            conflicts_with = "from"
        )]
        to: Option<String>,
        /// The PostgreSQL database to copy into the SQLite file named by --database (new or empty).
        #[arg(long, value_name = "URL")]
        from: Option<String>,
        /// Rows per batch (each batch is one transaction).
        #[arg(long, hide = true, default_value_t = feedsieve::store::postgres::copy::DEFAULT_BATCH_ROWS)]
        batch_rows: usize,
        /// Testing: stop after this many batches, as if killed there.
        #[arg(long, hide = true)]
        stop_after_batches: Option<u64>,
    },
    /// Write the de-duplicated, cleaned stories as one Atom feed or JSON Feed.
    Export {
        #[arg(long, value_enum, default_value = "atom")]
        format: ExportFormat,
        /// Only stories first seen within this long, e.g. 24h or 7d.
        #[arg(long, value_parser = feedsieve::units::parse_duration)]
        since: Option<std::time::Duration>,
        /// Write to this file (atomically) instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
        /// At most this many stories, the newest.
        #[arg(long)]
        limit: Option<i64>,
        /// Only stories carried by a feed of this category (or one below it).
        #[arg(long)]
        category: Option<String>,
        /// The address the file is published at, for its rel="self" link [default: the --out file].
        #[arg(long)]
        self_url: Option<String>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ExportFormat {
    /// Atom 1.0
    Atom,
    /// JSON Feed 1.1
    Json,
    /// RSS 2.0
    Rss,
}

fn main() -> ExitCode {
    limit_malloc_arenas();
    let cli = Cli::parse();
    init_logging(cli.verbose);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("feedsieve: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(dispatch(cli)) {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("feedsieve: {}", feedsieve::error_chain(e.as_ref()));
            ExitCode::FAILURE
        }
    }
}

/// Caps glibc's malloc at two arenas per core, before any thread starts.
/// By default it makes up to eight per core as threads contend, and each
/// keeps what its threads freed; here memory allocated on one thread
/// (a parsed feed, on a worker) is often freed on another (after the
/// writer's commit). Alternating runs at 2,000 × 50 on 2 cores: peak RSS
/// 170–172 → 140–142 MB at 4 arenas, CPU 54.6–56.0 → 54.8–57.5 s; at 2
/// arenas 128–131 MB, but 56.9–59.6 s CPU (threads queued on the arenas'
/// locks). A `MALLOC_ARENA_MAX` in the environment still wins.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let arenas = libc::c_int::try_from(2 * cores).unwrap_or(libc::c_int::MAX);
        // SAFETY: mallopt only sets a malloc tunable; no other thread exists yet.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, arenas);
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn init_logging(verbose: u8) {
    use tracing_subscriber::EnvFilter;
    // -v adds the line per fetch (INFO, its own target); -vv everything at
    // DEBUG.
    let fetches = feedsieve::daemon::FETCH_LOG;
    let default = match verbose {
        0 => format!("warn,feedsieve=info,{fetches}=warn"),
        1 => "warn,feedsieve=info".to_string(),
        _ => "debug".to_string(),
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // journald stamps each line itself.
        .with_ansi(false)
        .init();
}

/// The database a command reads: `--database` (or `$FEEDSIEVE_DATABASE`)
/// alone when given, so a broken config never blocks reading; else the
/// config's `[storage] database`.
fn database_path(cli: &Cli) -> Result<PathBuf> {
    match &cli.database {
        Some(db) => Ok(config::expand_home(db)),
        None => Ok(load_config(cli)?.storage.database),
    }
}

/// Opens an existing database for a read command: never creates one, and
/// read-only when the file cannot be written.
async fn open_for_reading(cli: &Cli) -> Result<Store> {
    Ok(Store::open_with(&database_path(cli)?, Access::Read).await?)
}

/// Opens an existing database for a maintenance command that writes.
async fn open_existing(config: &Config) -> Result<Store> {
    Ok(Store::open_with(&config.storage.database, Access::Existing).await?)
}

fn load_config(cli: &Cli) -> Result<Config> {
    let path = config::resolve_path(cli.config.clone());
    Ok(config::load_with(&path, cli.database.as_deref())?)
}

async fn dispatch(cli: Cli) -> Result<ExitCode> {
    match &cli.command {
        Command::Run { once: true } => {
            let config = load_config(&cli)?;
            let summary = feedsieve::daemon::run_once(&config).await?;
            // Pages are named only when the run fetched some: most feeds carry full text.
            let pages = if summary.pages + summary.pages_failed > 0 {
                format!(
                    ", {} ({})",
                    count(summary.pages, "article from a page", "articles from pages"),
                    count(summary.pages_failed, "page failed", "pages failed")
                )
            } else {
                String::new()
            };
            out!(
                "fetched {}: {} failed, {}, {} updated{pages}; {} indexed for search in {:.1} s",
                count(summary.feeds, "feed", "feeds"),
                summary.failed,
                count(summary.inserted, "new entry", "new entries"),
                summary.updated,
                count(summary.indexed, "story", "stories"),
                summary.index_time.as_secs_f64()
            );
            if summary.filtered > 0 {
                out!(
                    "dropped {} new entries by [filter] rules (see the filtered_entries table)",
                    summary.filtered
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Run { once: false } => {
            let path = config::resolve_path(cli.config);
            feedsieve::daemon::run(path, cli.database).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check => {
            let path = config::resolve_path(cli.config.clone());
            match config::load_with(&path, cli.database.as_deref()) {
                Ok(c) => {
                    out!(
                        "{}: ok ({} feeds, {} enabled; database {})",
                        path.display(),
                        c.feeds.len(),
                        c.enabled_feeds().count(),
                        feedsieve::store::postgres::redact(&c.storage.database.to_string_lossy())
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!("{e}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        Command::Feeds { json } => {
            let store = open_for_reading(&cli).await?;
            let mut feeds = store.feed_overview().await.context("reading feeds")?;
            redact_feed_urls(&mut feeds);
            if *json {
                out!("{}", serde_json::to_string_pretty(&feeds)?);
            } else {
                print_feeds(&feeds)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Fleet { json } => fleet(&cli, *json),
        Command::Search { query, limit, json } => search(&cli, query, *limit, *json).await,
        Command::Vacuum => vacuum(&cli).await,
        Command::Preview { target, json } => preview(&cli, target, *json).await,
        Command::Reclean => {
            let config = load_config(&cli)?;
            let store = open_existing(&config).await?;
            let report = feedsieve::tune::reclean(&store, &config).await?;
            out!(
                "recleaned {}: {} changed",
                count(report.entries, "entry", "entries"),
                report.changed
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Stories { since, limit, json } => stories(&cli, *since, *limit, *json).await,
        Command::Extract { sources, json } => extract(sources, *json).await,
        Command::Rededup => {
            let config = load_config(&cli)?;
            let store = open_existing(&config).await?;
            // Every story is rewritten: the index is emptied and refilled
            // once, not updated story by story.
            feedsieve::search::forget_index(&store).await?;
            let report = feedsieve::dedup::rededup(&store, &config.dedup).await?;
            feedsieve::search::catch_up(&store).await?;
            out!(
                "regrouped {} into {} (fingerprint v{}) in {:.1} s",
                count(report.entries, "entry", "entries"),
                count(report.stories, "story", "stories"),
                report.fingerprint_version,
                report.elapsed_ms as f64 / 1000.0
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::ImportOpml { file } => import_opml(&cli, file),
        Command::Add {
            url,
            name,
            category,
        } => add(&cli, url, name.as_deref(), category.as_deref()).await,
        Command::Remove { feed } => {
            let path = config::resolve_path(cli.config.clone());
            let removed = feedsieve::subscribe::remove_file(&path, feed)?;
            out!(
                "{}: removed {}{}; its stored entries stay in the database",
                path.display(),
                removed.url,
                removed.name.map(|n| format!(" ({n})")).unwrap_or_default()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::ExportOpml => {
            let config = load_config(&cli)?;
            let feeds = feedsieve::opml::feeds_of(&config);
            let text = feedsieve::opml::render(&feeds, "feedsieve feeds", chrono::Utc::now());
            write_stdout(&text)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Copy {
            to,
            from,
            batch_rows,
            stop_after_batches,
        } => {
            let (to, from) = (to.as_deref(), from.as_deref());
            let sqlite = database_path(&cli)?;
            let summary = feedsieve::copy::run(&sqlite, to, from, *batch_rows, *stop_after_batches);
            for line in summary.await? {
                out!("{line}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Export {
            format,
            since,
            out,
            limit,
            category,
            self_url,
        } => {
            use feedsieve::export;
            let store = open_for_reading(&cli).await?;
            let now = chrono::Utc::now();
            let selection = export::Selection {
                since: since.and_then(|d| export::cutoff(d, now)),
                category: category.as_deref().and_then(config::normalize_category),
                limit: *limit,
            };
            let stories = export::load_selected(&store, &selection).await?;
            let format = match format {
                ExportFormat::Atom => export::Format::Atom,
                ExportFormat::Json => export::Format::Json,
                ExportFormat::Rss => export::Format::Rss,
            };
            let self_url = self_url.clone().or_else(|| {
                let path = std::path::absolute(out.as_ref()?).ok()?;
                url::Url::from_file_path(path).ok().map(String::from)
            });
            let text = export::render_at(format, &stories, now, self_url.as_deref());
            match out {
                Some(path) => feedsieve::output::write_atomic(path, text.as_bytes())?,
                None => write_stdout(&text)?,
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn search(cli: &Cli, query: &[String], limit: i64, json: bool) -> Result<ExitCode> {
    let store = open_for_reading(cli).await?;
    let hits = feedsieve::search::search(&store, &query.join(" "), limit).await?;
    if json {
        out!("{}", serde_json::to_string_pretty(&hits)?);
        return Ok(ExitCode::SUCCESS);
    }
    if hits.is_empty() {
        out!("no stories match");
    }
    for hit in &hits {
        let date = hit.published_at.as_deref().unwrap_or(&hit.first_seen_at);
        out!(
            "{}  {}  ({} {})",
            date.get(..10).unwrap_or(date),
            hit.title.as_deref().unwrap_or("(untitled)"),
            hit.copies,
            if hit.copies == 1 { "copy" } else { "copies" }
        );
        if let Some(url) = &hit.url {
            out!("    {url}");
        }
        out!("    {}\n", hit.snippet);
    }
    Ok(ExitCode::SUCCESS)
}

async fn preview(cli: &Cli, target: &str, json: bool) -> Result<ExitCode> {
    let config = load_config(cli)?;
    let url = feedsieve::tune::resolve_target(target)?;
    let preview = feedsieve::tune::preview(&config, &url).await?;
    if json {
        out!("{}", serde_json::to_string_pretty(&preview)?);
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(page) = &preview.discovered_from {
        out!("{page}: a web page; its feed is {}", preview.url);
    }
    out!(
        "{}: {} (template: {})\n",
        preview.url,
        count(preview.entries.len(), "entry", "entries"),
        preview.template
    );
    for entry in &preview.entries {
        out!("== {}", entry.title.as_deref().unwrap_or("(untitled)"));
        if let Some(reason) = &entry.filtered {
            out!("   DROPPED by [filter]: {reason}");
        }
        if let Some(url) = &entry.url {
            out!("   {url}");
        }
        out!(
            "   page: {}: {}",
            if entry.fetch_page {
                "would be fetched"
            } else {
                "not fetched"
            },
            entry.page_reason
        );
        out!("\n{}\n", entry.text);
        for block in &entry.removed {
            let text: String = block.text.chars().take(100).collect();
            out!("   - removed ({}): {}", block.reason, text);
        }
        out!("");
    }
    Ok(ExitCode::SUCCESS)
}

/// `feedsieve extract`: every source in turn; one that fails is reported
/// and the others still printed.
async fn extract(sources: &[String], json: bool) -> Result<ExitCode> {
    let fetch = feedsieve::config::FetchConfig::default();
    let fetcher = feedsieve::fetch::Fetcher::new(&fetch)?;
    let cleaner = feedsieve::clean::Cleaner::new(&feedsieve::config::CleanRules::default())?;
    let mut code = ExitCode::SUCCESS;
    for source in sources {
        match feedsieve::tune::extract_source(&fetcher, &cleaner, source).await {
            Ok(page) if json => out!("{}", serde_json::to_string(&page)?),
            Ok(page) => {
                out!("== {}", page.title.as_deref().unwrap_or("(untitled)"));
                out!("   {}\n\n{}\n", page.source, page.text);
            }
            Err(e) => {
                eprintln!("feedsieve: {}", feedsieve::error_chain(&e));
                code = ExitCode::FAILURE;
            }
        }
    }
    Ok(code)
}

async fn stories(
    cli: &Cli,
    since: Option<std::time::Duration>,
    limit: Option<i64>,
    json: bool,
) -> Result<ExitCode> {
    let store = open_for_reading(cli).await?;
    let now = chrono::Utc::now();
    let cutoff = since.and_then(|d| feedsieve::export::cutoff(d, now));
    let stories = feedsieve::dedup::list_stories_limited(&store, cutoff, limit).await?;
    if json {
        out!("{}", serde_json::to_string_pretty(&stories)?);
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<[String; 4]> = stories
        .iter()
        .map(|s| {
            [
                s.published_at
                    .clone()
                    .unwrap_or_else(|| s.first_seen_at.clone()),
                s.feeds.len().to_string(),
                s.title.clone().unwrap_or_else(|| "(untitled)".into()),
                s.feeds.join(", "),
            ]
        })
        .collect();
    print_table(&["PUBLISHED", "FEEDS", "TITLE", "CARRIED BY"], &rows)?;
    Ok(ExitCode::SUCCESS)
}

async fn vacuum(cli: &Cli) -> Result<ExitCode> {
    let config = load_config(cli)?;
    let store = open_existing(&config).await?;
    if let Some(keep) = config.storage.keep {
        let pruned = feedsieve::maintain::prune(&store, keep).await?;
        out!(
            "pruned {} and {} older than {}",
            count(pruned.entries, "entry", "entries"),
            count(pruned.stories, "story", "stories"),
            feedsieve::units::format_duration(keep)
        );
    }
    // Before the rewrite, so the pages they held are given back.
    let forgotten = feedsieve::maintain::forget_shingles(&store, config.dedup.window).await?;
    if forgotten > 0 {
        out!(
            "forgot the shingles of {} past the de-duplication window",
            count(forgotten, "entry", "entries")
        );
    }
    let report = feedsieve::maintain::vacuum(&store).await?;
    out!(
        "database {}: {:.1} MB -> {:.1} MB",
        store.path().display(),
        report.bytes_before as f64 / 1e6,
        report.bytes_after as f64 / 1e6
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes a document to stdout; a closed pipe is an error, not a panic.
fn write_stdout(text: &str) -> Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .context("writing to stdout")
}

async fn add(
    cli: &Cli,
    target: &str,
    name: Option<&str>,
    category: Option<&str>,
) -> Result<ExitCode> {
    let config = load_config(cli)?;
    let url = feedsieve::tune::resolve_target(target)?;
    let fetcher = feedsieve::fetch::Fetcher::new(&config.fetch)?;
    let found = feedsieve::discover::discover_one(&fetcher, &url).await?;
    let feed = feedsieve::opml::OpmlFeed {
        url: found.url.to_string(),
        name: name
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string),
        enabled: true,
        category: category.and_then(config::normalize_category),
    };
    feedsieve::subscribe::add_file(&config.path, &feed)?;
    if found.url != url {
        out!("{url}: a web page; its feed is {}", found.url);
    }
    out!(
        "{}: added {}{}",
        config.path.display(),
        found.url,
        found.title.map(|t| format!(" ({t})")).unwrap_or_default()
    );
    Ok(ExitCode::SUCCESS)
}

fn import_opml(cli: &Cli, file: &std::path::Path) -> Result<ExitCode> {
    use feedsieve::opml::SkipReason;
    let path = config::resolve_path(cli.config.clone());
    let summary = feedsieve::opml::import_file(&path, file)?;
    let skipped_for =
        |want: fn(&SkipReason) -> bool| summary.skipped.iter().filter(|s| want(&s.reason)).count();
    for skipped in &summary.skipped {
        if let SkipReason::BadUrl(why) = &skipped.reason {
            eprintln!("feedsieve: skipped {}: {why}", skipped.url);
        }
    }
    out!(
        "{}: added {}, skipped {} ({} already listed, {} repeated in the file, {})",
        path.display(),
        count(summary.added.len(), "feed", "feeds"),
        summary.skipped.len(),
        skipped_for(|r| *r == SkipReason::AlreadyListed),
        skipped_for(|r| *r == SkipReason::Repeated),
        count(
            skipped_for(|r| matches!(r, SkipReason::BadUrl(_))),
            "unusable URL",
            "unusable URLs"
        ),
    );
    Ok(ExitCode::SUCCESS)
}

/// Rows stored before secrets were taken out of URLs, or a server's
/// redirect, may still carry a password in a URL: it is never shown.
fn redact_feed_urls(feeds: &mut [feedsieve::store::FeedOverview]) {
    for feed in feeds {
        feed.url = config::redact_url(&feed.url);
        if let Some(moved) = &mut feed.fetch_url {
            *moved = config::redact_url(moved);
        }
    }
}

fn print_feeds(feeds: &[feedsieve::store::FeedOverview]) -> Result<()> {
    let rows: Vec<[String; 9]> = feeds
        .iter()
        .map(|f| {
            let url = match &f.fetch_url {
                Some(moved) => format!("{moved} (moved from {})", f.url),
                None => f.url.clone(),
            };
            [
                format!(
                    "{}{}",
                    f.name.clone().unwrap_or_else(|| "-".into()),
                    if f.enabled { "" } else { " (disabled)" }
                ),
                f.category.clone().unwrap_or_else(|| "-".into()),
                url,
                f.last_fetched_at.clone().unwrap_or_else(|| "never".into()),
                f.last_status
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "-".into()),
                f.last_error.clone().unwrap_or_else(|| "-".into()),
                f.entries.to_string(),
                format!("{}/{}", f.pages_fetched, f.pages_failed),
                f.next_fetch_at.clone().unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    print_table(
        &[
            "NAME",
            "CATEGORY",
            "URL",
            "LAST FETCH",
            "STATUS",
            "LAST ERROR",
            "ENTRIES",
            "PAGES OK/FAILED",
            "NEXT DUE",
        ],
        &rows,
    )
}

/// `feedsieve fleet`: the daemons sharing the database and their leases.
fn fleet(cli: &Cli, json: bool) -> Result<ExitCode> {
    use feedsieve::store::postgres::leases::{self, Fleet};
    let database = database_path(cli)?;
    let (daemons, mut held, per_host) =
        match leases::fleet(&database).context("reading the fleet")? {
            Fleet::OneDaemon { database } => {
                out!(
                    "{} is a SQLite database: it has one daemon, the one holding its lock. \
                     `fleet` lists the daemons sharing a PostgreSQL database.",
                    database.display()
                );
                return Ok(ExitCode::SUCCESS);
            }
            Fleet::Shared {
                daemons,
                leases,
                per_host,
            } => (daemons, leases, per_host),
        };
    for lease in &mut held {
        lease.url = config::redact_url(&lease.url);
    }
    if json {
        let all = serde_json::json!({ "daemons": daemons, "leases": held, "per_host": per_host });
        out!("{}", serde_json::to_string_pretty(&all)?);
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<[String; 6]> = daemons
        .iter()
        .map(|d| {
            let mine = held.iter().filter(|l| l.owner == d.id);
            let expired = mine.clone().filter(|l| l.expired).count();
            [
                d.id.clone(),
                d.host_name.clone(),
                d.pid.to_string(),
                d.started_at.clone(),
                format!("{} s ago", d.silent_secs),
                format!("{} ({expired} expired)", mine.count()),
            ]
        })
        .collect();
    out!(
        "{} (at most {per_host} leased per host)",
        count(daemons.len(), "daemon", "daemons")
    );
    print_table(
        &["DAEMON", "MACHINE", "PID", "STARTED", "HEARTBEAT", "LEASES"],
        &rows,
    )?;
    out!("");
    let rows: Vec<[String; 5]> = held
        .iter()
        .map(|l| {
            [
                l.owner.clone(),
                l.feed_id.to_string(),
                l.url.clone(),
                l.host.clone(),
                format!(
                    "{}{}",
                    l.expires_at,
                    if l.expired { " (expired)" } else { "" }
                ),
            ]
        })
        .collect();
    out!("{} held", count(held.len(), "lease", "leases"));
    print_table(&["DAEMON", "FEED", "URL", "HOST", "EXPIRES"], &rows)?;
    Ok(ExitCode::SUCCESS)
}

/// "1 feed", "2 feeds".
fn count<N: std::fmt::Display + PartialEq + From<u8>>(n: N, one: &str, many: &str) -> String {
    let word = if n == N::from(1) { one } else { many };
    format!("{n} {word}")
}

/// Prints a table; cells longer than 60 characters are cut with "…" on a
/// terminal only: piped or redirected, every value is whole.
fn print_table<const N: usize>(header: &[&str; N], rows: &[[String; N]]) -> Result<()> {
    use std::io::IsTerminal as _;
    const MAX: usize = 60;
    let terminal = std::io::stdout().is_terminal();
    let clip = |s: &str| -> String {
        if terminal && s.chars().count() > MAX {
            format!("{}…", s.chars().take(MAX - 1).collect::<String>())
        } else {
            s.to_string()
        }
    };
    let mut widths = header.map(|h| h.chars().count());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(clip(cell).chars().count());
        }
    }
    let line = |cells: Vec<String>| -> Result<()> {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out!("{}", padded.join("  ").trim_end());
        Ok(())
    };
    line(header.iter().map(|h| h.to_string()).collect())?;
    for row in rows {
        line(row.iter().map(|c| clip(c)).collect())?;
    }
    Ok(())
}

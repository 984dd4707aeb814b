//! A feed of several writers, fetched twice: Ana Ruiz's box, in a wording
//! no rule knows, ends three of her entries; Tom Berg's, in the same
//! wording with his own year (the feed's other number in that place), ends
//! two; three versions of Lee Park's developing story share their closing
//! paragraph. The first fetch carries one entry of each; the second the
//! rest.

/// A writer's box in a wording no rule knows, as a newsletter network
/// prints it at the end of each of the writer's entries, with the year the
/// writer's letter began.
pub const ANA_BOX: &str = "This letter has gone out every Friday since 2014, and every reply to it is read before the next one goes.";
pub const TOM_BOX: &str = "This letter has gone out every Friday since 2019, and every reply to it is read before the next one goes.";
/// The closing paragraph of each version of a developing story.
pub const HEARING: &str = "The hearing resumes on Monday at 9 a.m. in courtroom 4, and the judge has asked both sides to keep their closing arguments under an hour.";

/// Article paragraphs of entry `i`, each its own.
pub fn own_paragraphs(i: usize) -> [String; 2] {
    [
        format!(
            "The council's transport committee met for the {i}th time this year on Tuesday evening and spent most of the session on the bus lanes planned for the east side."
        ),
        format!(
            "Residents who spoke at meeting {i} asked for more crossings near the schools, and the committee promised a written answer within a month of the vote."
        ),
    ]
}

/// An RSS item with its writer as `<dc:creator>`.
fn item(guid: &str, writer: &str, paragraphs: &[String]) -> String {
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>")).collect();
    item_html(guid, writer, &body)
}

/// An RSS item whose description is `body`, as markup.
fn item_html(guid: &str, writer: &str, body: &str) -> String {
    format!(
        "<item><guid isPermaLink=\"false\">{guid}</guid><title>{guid}</title><link>https://example.org/{guid}</link><dc:creator>{writer}</dc:creator><description><![CDATA[{body}]]></description></item>\n"
    )
}

fn writers_feed(items: &[String]) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><title>Opinion</title><link>https://example.org/</link>\n{}</channel></rss>\n",
        items.concat()
    )
}

/// A writer's entry: its own paragraphs, then the writer's box.
fn boxed(i: usize, writer: &str, bio: &str) -> String {
    let [a, b] = own_paragraphs(i);
    item(&format!("w{i}"), writer, &[a, b, bio.to_string()])
}

/// Version `v` of a developing story: a new lead over the same paragraphs
/// and the same closing one.
fn version(v: usize) -> String {
    let [a, b] = own_paragraphs(100);
    let lead = format!(
        "The jury heard from witness number {v} on Thursday, a former clerk who kept the county's contracts for nine years and signed most of them."
    );
    let c = "Prosecutors say the contracts were split to stay under the limit that would have required a vote of the full council.".to_string();
    item(
        &format!("v{v}"),
        "Lee Park",
        &[lead, a, b, c, HEARING.to_string()],
    )
}

/// The feed as the first fetch finds it, and as the second does: entries
/// w1–w5 (Ana's w1, w3, w5; Tom's w2, w4) and v1–v3, newest first, Ana's
/// w5 first of all.
pub fn fetches() -> [String; 2] {
    let mut items = vec![
        boxed(1, "Ana Ruiz", ANA_BOX),
        boxed(2, "Tom Berg", TOM_BOX),
        version(1),
    ];
    let first = writers_feed(&items);
    items.extend([
        boxed(3, "Ana Ruiz", ANA_BOX),
        version(2),
        boxed(4, "Tom Berg", TOM_BOX),
        version(3),
        boxed(5, "Ana Ruiz", ANA_BOX),
    ]);
    items.reverse();
    [first, writers_feed(&items)]
}

/// A site's writers and each one's beat: every entry of the site ends with
/// its writer's box in the site's own place (a `<section>` after the
/// article), in a wording no rule knows.
pub const SITE_WRITERS: [(&str, &str); 5] = [
    ("Ana Ruiz", "the courts"),
    ("Tom Berg", "city hall"),
    ("Lee Park", "the port"),
    ("Maria Okafor", "the schools"),
    ("Kofi Lindqvist", "the river towns"),
];

/// Writer `i`'s box, as the site prints it.
pub fn site_box(i: usize) -> String {
    let (name, beat) = SITE_WRITERS[i % SITE_WRITERS.len()];
    format!(
        "{name} spent ten years at sea before trading the deck for the desk that follows {beat}, and keeps a sourdough starter older than this website."
    )
}

/// The last paragraph of the site's entry `t1`, in the article's own place,
/// opening with its writer's name: news about her, which stays.
pub const ABOUT_THE_WRITER: &str = "Ana Ruiz was named the paper's editor on Monday and starts in March, after eleven years on the courts beat.";
/// The last block of entry `t2`, in the site's box place, opening with a
/// name that is not its writer's: it stays.
pub const NOT_THE_WRITER: &str =
    "Maria Stone, the harbour master, answers readers' questions on the port every Friday at noon.";

/// Site entry `s{i}` by writer `i`: its own paragraphs, then the box.
fn site_entry(i: usize) -> String {
    boxed_site_entry("s", 200, i, |bio| {
        format!("<section><p>{bio}</p></section>")
    })
}

/// Entry `{prefix}{i}` by writer `i`, with the article paragraphs of
/// `paragraphs + i`, then the writer's box as `markup` prints it.
fn boxed_site_entry(
    prefix: &str,
    paragraphs: usize,
    i: usize,
    markup: impl Fn(&str) -> String,
) -> String {
    let (name, _) = SITE_WRITERS[i % SITE_WRITERS.len()];
    let [a, b] = own_paragraphs(paragraphs + i);
    let body = format!("<p>{a}</p><p>{b}</p>{}", markup(&site_box(i)));
    item_html(&format!("{prefix}{i}"), name, &body)
}

/// The site's feed as the first fetch finds it (two writers' entries:
/// nothing to learn yet) and as the second does (three more writers', and
/// `t1`, `t2`).
pub fn site_fetches() -> [String; 2] {
    let mut items = vec![site_entry(0), site_entry(1)];
    let first = writers_feed(&items);
    items.extend([site_entry(2), site_entry(3), site_entry(4)]);
    let [a, b] = own_paragraphs(300);
    items.push(item(
        "t1",
        "Ana Ruiz",
        &[a.clone(), b.clone(), ABOUT_THE_WRITER.to_string()],
    ));
    let body = [
        format!("<p>{a}</p>"),
        format!("<p>{b}</p>"),
        format!("<section><p>{NOT_THE_WRITER}</p></section>"),
    ]
    .concat();
    items.push(item_html("t2", "Lee Park", &body));
    items.reverse();
    [first, writers_feed(&items)]
}

/// The heading a site prints over every writer's box: the feed's template
/// learns it as boilerplate once it is in most entries.
pub const BOX_HEAD: &str = "About the author";

/// Headed site entry `h{i}` by writer `i`: its own paragraphs, then the
/// site's heading and the writer's box under it.
fn headed_entry(i: usize) -> String {
    boxed_site_entry("h", 400, i, |bio| {
        format!("<p><strong>{BOX_HEAD}</strong></p><p>{bio}</p>")
    })
}

/// A site that heads every writer's box with [`BOX_HEAD`], as the first
/// fetch finds it (six entries, `h0`–`h5`: enough for the template to learn
/// the heading) and as the second does (`h6`–`h9` too), newest first.
pub fn headed_fetches() -> [String; 2] {
    let mut items: Vec<String> = (0..6).map(headed_entry).collect();
    items.reverse();
    let first = writers_feed(&items);
    let mut items: Vec<String> = (0..10).map(headed_entry).collect();
    items.reverse();
    [first, writers_feed(&items)]
}

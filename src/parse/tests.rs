// Test code: its unwraps act on the tests' own fixed inputs and temporary
// files, never on outside input; a panic is the test failing.

use super::*;

#[test]
fn a_second_xml_declaration_is_an_error_not_a_panic() {
    // Minimised from a cargo-fuzz crash (fuzz/corpus/parse_clean/regression-inner-decl.xml).
    let doc = format!(
        "<rss version=\"2.0\"><channel>{}<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><title>T</title></channel></rss>",
        "\u{fffd}".repeat(4000)
    );
    let err = parse(doc.as_bytes(), None, None).unwrap_err();
    assert!(err.to_string().contains("XML declaration"), "{err}");
    // In CDATA or a comment it is text, and a stylesheet PI is fine.
    let ok = "<?xml version=\"1.0\"?><?xml-stylesheet href=\"s.xsl\"?><rss version=\"2.0\"><channel><title>T</title><!-- <?xml version=\"1.0\"?> --><item><guid>a</guid><description><![CDATA[<?xml version=\"1.0\" encoding=\"utf-8\"?>]]></description></item></channel></rss>";
    let feed = parse(ok.as_bytes(), None, None).unwrap();
    assert_eq!(feed.entries.len(), 1);
    assert!(feed.entries[0].content_html.contains("<?xml"));
}

const RSS: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>T</title><link>https://s.example/</link><ttl>90</ttl>
<item><guid>g1</guid><title>One</title><link>https://s.example/1</link><description>&lt;p&gt;Body&lt;/p&gt;</description></item>
<item><title>Two</title><link>https://s.example/2</link><description>B2</description></item>
<item><title>Three</title><description>B3</description></item>
</channel></rss>"#;

#[test]
fn identity_prefers_guid_then_link_then_hash() {
    let feed = parse(RSS.as_bytes(), None, None).unwrap();
    assert_eq!(feed.title.as_deref(), Some("T"));
    assert_eq!(feed.ttl, Some(Duration::from_secs(90 * 60)));
    let guids: Vec<_> = feed.entries.iter().map(|e| e.guid.as_str()).collect();
    assert_eq!(guids[0], "g1");
    assert_eq!(guids[1], "https://s.example/2");
    assert!(guids[2].starts_with("sha:"));
    assert_eq!(feed.entries[0].content_html, "<p>Body</p>");
    // The hash is stable: parse again, same identity.
    let again = parse(RSS.as_bytes(), None, None).unwrap();
    assert_eq!(again.entries[2].guid, feed.entries[2].guid);
}

#[test]
fn latin1_by_prolog_and_by_header() {
    let mut doc =
        b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><title>Cr"
            .to_vec();
    doc.extend_from_slice(&[0xe8, b'm', b'e', b' ', b'b', b'r', 0xfb, b'l', 0xe9, b'e']);
    doc.extend_from_slice(b"</title></channel></rss>");
    let feed = parse(&doc, None, None).unwrap();
    assert_eq!(feed.title.as_deref(), Some("Crème brûlée"));
    // The same bytes without a prolog, labelled only by the HTTP header.
    let bare = &doc[doc.iter().position(|&c| c == b'>').unwrap() + 1..];
    let feed = parse(bare, Some("application/rss+xml; charset=iso-8859-1"), None).unwrap();
    assert_eq!(feed.title.as_deref(), Some("Crème brûlée"));
}

#[test]
fn html_and_garbage_are_errors() {
    let html = "<!DOCTYPE html><html><body>hi</body></html>";
    assert!(matches!(
        parse(html.as_bytes(), None, None),
        Err(ParseError::HtmlPage)
    ));
    assert!(matches!(parse(b"  ", None, None), Err(ParseError::Empty)));
    assert!(matches!(
        parse(b"<rss><channel><item>", None, None),
        Err(ParseError::Invalid(_))
    ));
}

#[test]
fn entities_that_break_real_feeds_are_repaired() {
    let doc = "<rss version=\"2.0\"><channel><title>AT&T &amp; Caf&eacute;&nbsp;news &copy; &#169; &bogus; &#0;</title>\
                   <item><title>Q&A</title><description><![CDATA[<p>keep &nbsp; & raw</p>]]></description></item></channel></rss>";
    let feed = parse(doc.as_bytes(), None, None).unwrap();
    assert_eq!(
        feed.title.as_deref(),
        Some("AT&T & Café\u{a0}news © © &bogus; \u{fffd}")
    );
    assert_eq!(feed.entries[0].title.as_deref(), Some("Q&A"));
    assert_eq!(feed.entries[0].content_html, "<p>keep &nbsp; & raw</p>");
    assert_eq!(repair_xml_entities("<t>&#X41;</t>"), "<t>&#x41;</t>");
    let clean = "<a>&amp;&lt;&#x41;<!-- & --></a>";
    assert!(matches!(
        repair_xml_entities(clean),
        std::borrow::Cow::Borrowed(_)
    ));
}

#[test]
fn rss_without_version_is_read_as_rss() {
    let doc = "<!-- c --><rss>\n<channel><title>testing &hellip; entity</title></channel></rss>";
    let feed = parse(doc.as_bytes(), None, None).unwrap();
    assert_eq!(feed.title.as_deref(), Some("testing \u{2026} entity"));
    assert!(matches!(
        add_rss_version("<rss version=\"0.91\">"),
        std::borrow::Cow::Borrowed(_)
    ));
    assert!(matches!(
        add_rss_version("<rssfeed>"),
        std::borrow::Cow::Borrowed(_)
    ));
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    text.encode_utf16()
        .flat_map(|u| {
            if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            }
        })
        .collect()
}

fn utf32(text: &str, big_endian: bool) -> Vec<u8> {
    text.chars()
        .flat_map(|c| {
            let c = u32::from(c);
            if big_endian {
                c.to_be_bytes()
            } else {
                c.to_le_bytes()
            }
        })
        .collect()
}

#[test]
fn wide_encodings_with_and_without_bom() {
    let doc = "<?xml version=\"1.0\" encoding=\"utf-16\"?><rss version=\"2.0\"><channel><title>Crème 😀</title></channel></rss>";
    for big_endian in [true, false] {
        let plain16 = utf16(doc, big_endian);
        let mut bom16 = utf16("\u{feff}", big_endian);
        bom16.extend_from_slice(&plain16);
        let wide32 = doc.replace("utf-16", "utf-32");
        let plain32 = utf32(&wide32, big_endian);
        let mut bom32 = utf32("\u{feff}", big_endian);
        bom32.extend_from_slice(&plain32);
        for bytes in [plain16, bom16, plain32, bom32] {
            let feed = parse(&bytes, None, None).unwrap();
            assert_eq!(feed.title.as_deref(), Some("Crème 😀"), "{big_endian}");
        }
    }
    // A UTF-8 document whose prolog says UTF-16 is still read as UTF-8.
    let feed = parse(doc.as_bytes(), Some("text/xml"), None).unwrap();
    assert_eq!(feed.title.as_deref(), Some("Crème 😀"));
}

#[test]
fn rss_without_channel_or_with_other_versions() {
    let empty = parse(b"<rss version=\"2.0\">\n</rss>", None, None).unwrap();
    assert!(empty.entries.is_empty());
    let bare = parse(b"<rss><item><title>A</title></item></rss>", None, None).unwrap();
    assert_eq!(bare.entries[0].title.as_deref(), Some("A"));
    for version in ["0.93", "0.94", "2.01", "2.1"] {
        let doc = format!(
            "<rss version='{version}'><channel><item><title>A</title></item></channel></rss>"
        );
        let feed = parse(doc.as_bytes(), None, None).unwrap();
        assert_eq!(feed.entries.len(), 1, "{version}");
    }
}

#[test]
fn rss_quoted_inside_another_feed_is_left_alone() {
    let doc = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>T</title><entry><id>e</id>\
                   <content type=\"html\"><![CDATA[<rss> is a format]]></content></entry></feed>";
    let feed = parse(doc.as_bytes(), None, None).unwrap();
    assert_eq!(feed.entries[0].content_html, "<rss> is a format");
    assert_eq!(
        root_start("<!-- c --><?pi x?><!DOCTYPE rss>\n <rss>"),
        Some(34)
    );
}

#[test]
fn cdf_channels_are_read() {
    let doc = "<CHANNEL HREF=\"http://www.example.org/\" LASTMOD=\"2004-04-06T23:05:43-05:00\"><TITLE>C</TITLE><LOGO HREF=\"x\"/>\
                   <ITEM HREF=\"http://www.example.org/1\"><TITLE>Item &amp; one</TITLE><ABSTRACT>About it</ABSTRACT></ITEM></CHANNEL>";
    let feed = parse(doc.as_bytes(), None, None).unwrap();
    assert_eq!(feed.title.as_deref(), Some("C"));
    assert_eq!(feed.site_url.as_deref(), Some("http://www.example.org/"));
    let item = &feed.entries[0];
    assert_eq!(item.title.as_deref(), Some("Item & one"));
    assert_eq!(item.url.as_deref(), Some("http://www.example.org/1"));
    assert_eq!(item.content_html, "About it");
}

#[test]
fn atom_text_with_mime_types_is_read() {
    let doc = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry>\
                   <title type=\"application/octet-stream\">\n RXhhbXBsZSA8Yj5BdG9tPC9iPg==\n</title>\
                   <summary type=\"\">plain</summary><content type=\"application/xhtml+xml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">x</div></content></entry></feed>";
    let feed = parse(doc.as_bytes(), None, None).unwrap();
    assert_eq!(
        feed.entries[0].title.as_deref(),
        Some("Example <b>Atom</b>")
    );
}

#[test]
fn html_after_several_comments_is_recognised() {
    let page = "<!-- a --> <!-- b -->\n<!DOCTYPE html><html></html>";
    assert!(matches!(
        parse(page.as_bytes(), None, None),
        Err(ParseError::HtmlPage)
    ));
}

#[test]
fn enclosures_categories_and_authors_are_kept() {
    let rss = r#"<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>P</title>
<item><guid>e1</guid><title>Episode 1</title><category>Audio</category><category> Tech </category><category>Audio</category>
<dc:creator>Ann</dc:creator><enclosure url="https://p.example/e1.mp3" type="audio/mpeg" length="12345"/>
<pubDate>Tue, 24 Nov 2026 14:05:00 GMT</pubDate></item></channel></rss>"#;
    let e = &parse(rss.as_bytes(), None, None).unwrap().entries[0];
    assert_eq!(e.categories, vec!["Audio", "Tech"]);
    assert_eq!(e.authors, vec!["Ann"]);
    assert_eq!(
        e.enclosures,
        vec![Enclosure {
            url: "https://p.example/e1.mp3".into(),
            mime_type: Some("audio/mpeg".into()),
            length: Some(12345),
        }]
    );
    let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><id>f</id><title>A</title><updated>2026-11-24T15:00:00Z</updated>
<entry><id>a1</id><title>T</title><updated>2026-11-25T15:00:00Z</updated><published>2026-11-24T15:00:00Z</published>
<author><name>Bo</name></author><author><name>Cy</name></author><category term="rust" label="Rust"/>
<link rel="enclosure" href="https://a.example/pic.jpg" type="image/jpeg" length="99"/></entry></feed>"#;
    let e = &parse(atom.as_bytes(), None, None).unwrap().entries[0];
    assert_eq!(e.authors, vec!["Bo", "Cy"]);
    assert_eq!(e.author.as_deref(), Some("Bo"));
    assert_eq!(e.categories, vec!["rust"]);
    assert_eq!(e.enclosures[0].url, "https://a.example/pic.jpg");
    assert_eq!(e.enclosures[0].length, Some(99));
    assert_eq!(
        e.published_at.unwrap().to_rfc3339(),
        "2026-11-24T15:00:00+00:00"
    );
    assert_eq!(
        e.updated_at.unwrap().to_rfc3339(),
        "2026-11-25T15:00:00+00:00"
    );
}

#[test]
fn json_feed_with_numeric_ids() {
    let doc = r#"{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{"id":42,"content_text":"x"},{"id":"b","content_text":"y"}]}"#;
    let feed = parse(doc.as_bytes(), None, None).unwrap();
    let ids: Vec<_> = feed.entries.iter().map(|e| e.guid.as_str()).collect();
    assert_eq!(ids, vec!["42", "b"]);
}

#[test]
fn json_feed() {
    let doc = r#"{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{"id":"1","content_html":"<p>x</p>","url":"https://j.example/1","title":"A"}]}"#;
    let feed = parse(doc.as_bytes(), Some("application/feed+json"), None).unwrap();
    assert_eq!(feed.entries.len(), 1);
    assert_eq!(feed.entries[0].content_html, "<p>x</p>");
    assert_eq!(feed.entries[0].url.as_deref(), Some("https://j.example/1"));
}

/// RSS 2.0's `<author>` is an address with the name in brackets; the
/// cleaner's byline reader takes the name from either form feed-rs gives.
#[test]
fn an_rss_author_address_keeps_its_name() -> Result<(), ParseError> {
    let rss = r#"<rss version="2.0"><channel><title>P</title>
<item><guid>e1</guid><title>T</title><author>aruiz@courier.example (Ana Ruiz)</author></item></channel></rss>"#;
    let feed = parse(rss.as_bytes(), None, None)?;
    let authors: Vec<&Vec<String>> = feed.entries.iter().map(|e| &e.authors).collect();
    assert_eq!(authors.len(), 1, "{authors:?}");
    assert!(
        authors
            .iter()
            .all(|a| a.len() == 1 && a[0].contains("Ana Ruiz")),
        "{authors:?}"
    );
    Ok(())
}

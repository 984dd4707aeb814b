//! Generated corpora for the hard cases of de-duplication (issue 17), shared
//! by `tests/dedup.rs` and `benches/dedup.rs`: templated automated news from
//! 12 templates with syndicated copies, aggregator excerpts of full
//! articles, developing stories in numbered updates, and articles that
//! quote one shared press statement. Same group = same story.
//!
//! Deterministic: every text comes from a seeded generator and the real
//! article bodies in `shared/` (through `super::corpus`, which includers
//! name so). Each corpus has a tuning half and a held-out half: templates
//! 0–5 and even-numbered bodies tune, templates 6–11 and odd-numbered
//! bodies are held out, with different seeds. It never reads anything else.
//!
//! Over 800 lines (most of it the 12 templates): four generators of one
//! corpus, kept together because the bench and the tests draw the same items.

#![allow(dead_code)] // each includer uses a different part

use fastrand::Rng;

#[derive(Debug, Clone)]
pub struct Item {
    /// Same group = same story.
    pub group: usize,
    pub kind: &'static str,
    pub title: String,
    pub text: String,
}

/// Which half of a corpus: the one the thresholds were tuned on, or the
/// one held out to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Half {
    Tune,
    HeldOut,
}

impl Half {
    fn seed(self) -> u64 {
        match self {
            Half::Tune => 17_001,
            Half::HeldOut => 17_002,
        }
    }

    /// The templates of this half.
    pub fn templates(self) -> std::ops::Range<usize> {
        match self {
            Half::Tune => 0..6,
            Half::HeldOut => 6..TEMPLATES,
        }
    }

    /// The article bodies of this half (every other one).
    fn bodies(self, bodies: &[String]) -> Vec<String> {
        let start = usize::from(self == Half::HeldOut);
        bodies.iter().skip(start).step_by(2).cloned().collect()
    }
}

pub const TEMPLATES: usize = 12;

const STATES: &[&str] = &[
    "Pennsylvania",
    "Wisconsin",
    "Ohio",
    "Michigan",
    "Georgia",
    "Arizona",
    "Oregon",
    "Kentucky",
    "Missouri",
    "Iowa",
    "Colorado",
    "Virginia",
];
const CITIES: &[&str] = &[
    "Springfield",
    "Riverton",
    "Fairview",
    "Greenville",
    "Madison",
    "Clinton",
    "Franklin",
    "Ashland",
    "Bristol",
    "Salem",
    "Dover",
    "Milton",
];
const NAMES: &[&str] = &[
    "Maria Lopez",
    "James Carter",
    "Aisha Khan",
    "Robert Nguyen",
    "Linda Brooks",
    "David Okafor",
    "Emily Shaw",
    "Carlos Rivera",
    "Sarah Becker",
    "Tom Walsh",
];
const TEAMS: &[&str] = &[
    "Eagles", "Hawks", "Tigers", "Bears", "Wolves", "Lions", "Panthers", "Falcons", "Rams",
    "Cougars",
];
const COMPANIES: &[&str] = &[
    "Northwind Foods",
    "Apex Robotics",
    "Bluewater Energy",
    "Crestline Bank",
    "Granite Software",
    "Harbor Freight Lines",
    "Summit Health",
    "Ironwood Mining",
];
const STREETS: &[&str] = &[
    "Maple Avenue",
    "Oak Street",
    "Lincoln Road",
    "Cedar Lane",
    "Park Drive",
    "Main Street",
    "Elm Court",
    "River Road",
];
const DAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS: &[&str] = &["March", "April", "May", "June"];
const OUTLETS: &[&str] = &[
    "the Daily Courier",
    "WXYZ News",
    "the Valley Herald",
    "Metro Wire",
    "the Evening Post",
    "KLMN Radio",
];

fn pick<'a>(rng: &mut Rng, list: &[&'a str]) -> &'a str {
    list[rng.usize(..list.len())]
}

fn money(rng: &mut Rng, lo: u32, hi: u32) -> String {
    format!("{}.{:02}", rng.u32(lo..hi), rng.u32(0..100))
}

/// One templated item: its title and paragraphs, every slot drawn from
/// `rng`. Dates come from few values, so many items of one template share
/// a date and differ in place, names and numbers only, like the evening's
/// draws of five state lotteries. Like real ones, some templates end with
/// a short line of the item's own facts (the next draw and jackpot,
/// tomorrow's forecast, the next game), a closing note worded alike in
/// every item.
fn templated_item(template: usize, rng: &mut Rng) -> (String, Vec<String>) {
    let day = pick(rng, DAYS);
    let date = format!("{} {}", pick(rng, MONTHS), rng.u32(1..4));
    let state = pick(rng, STATES);
    let city = pick(rng, CITIES);
    let p = |s: &str| s.to_string();
    match template {
        0 => {
            let game = pick(rng, &["Pick 5", "Cash 5", "Lucky Day", "Mega Draw"]);
            let n: Vec<u32> = (0..5).map(|_| rng.u32(1..60)).collect();
            let title = format!("{state} Lottery {game} results for {day}, {date}");
            (
                title,
                vec![
                    format!(
                        "The {state} Lottery drew the {game} numbers on {day} evening, {date}. The winning numbers were {}-{}-{}-{}-{}, and the bonus ball was {}.",
                        n[0],
                        n[1],
                        n[2],
                        n[3],
                        n[4],
                        rng.u32(1..30)
                    ),
                    format!(
                        "The estimated jackpot for the next drawing is ${} million. Players who matched all five numbers should sign the back of their ticket and contact the lottery office in {city}.",
                        rng.u32(1..90)
                    ),
                    format!(
                        "Prizes must be claimed within {} days of the drawing. Drawings are held every evening at {}:{:02} p.m. and are broadcast live on the lottery's website.",
                        rng.u32(60..366),
                        rng.u32(6..11),
                        rng.u32(0..60)
                    ),
                    p(
                        "Please play responsibly. If you or someone you know has a gambling problem, help is available around the clock from the state's confidential helpline.",
                    ),
                    // A closing line with the item's own facts, as real
                    // draws end.
                    format!(
                        "Next drawing: {}. Estimated jackpot: ${} million.",
                        pick(rng, DAYS),
                        rng.u32(1..90)
                    ),
                ],
            )
        }
        1 => {
            let cents = rng.u32(1..20);
            let price = money(rng, 2, 5);
            let title = format!("{state} gas prices fall {cents} cents to ${price} a gallon");
            (
                title,
                vec![
                    format!(
                        "Average gasoline prices in {state} have fallen {cents} cents per gallon in the last week, averaging ${price} a gallon today, according to a survey of {} stations in {state}.",
                        rng.u32(1000..9000)
                    ),
                    format!(
                        "Prices in {state} are {} cents per gallon lower than a month ago and stand {} cents per gallon lower than a year ago, according to the survey data.",
                        rng.u32(1..40),
                        rng.u32(1..90)
                    ),
                    format!(
                        "The cheapest station in {state} was priced at ${} a gallon today while the most expensive was ${}, a difference of {} cents per gallon.",
                        money(rng, 1, 3),
                        money(rng, 4, 6),
                        rng.u32(50..200)
                    ),
                    format!(
                        "The national average price of gasoline has fallen {} cents per gallon in the last week, averaging ${} a gallon today, analysts said on {day}.",
                        rng.u32(1..10),
                        money(rng, 3, 4)
                    ),
                ],
            )
        }
        2 => {
            let (high, low) = (rng.u32(50..95), rng.u32(20..50));
            let title = format!("{city} weather for {day}: high of {high}, low of {low}");
            (
                title,
                vec![
                    format!(
                        "Expect a high of {high} degrees and a low of {low} degrees in {city} on {day}, according to the National Weather Service forecast issued at {} a.m.",
                        rng.u32(4..11)
                    ),
                    format!(
                        "There is a {} percent chance of rain during the day and winds from the {} at {} miles per hour, with gusts up to {} miles per hour in the afternoon.",
                        rng.u32(0..100),
                        pick(rng, &["north", "south", "east", "west"]),
                        rng.u32(3..20),
                        rng.u32(20..45)
                    ),
                    format!(
                        "Sunrise is at {}:{:02} a.m. and sunset at {}:{:02} p.m. The air quality index is expected to stay near {}, which is considered acceptable for most people.",
                        rng.u32(5..8),
                        rng.u32(0..60),
                        rng.u32(5..9),
                        rng.u32(0..60),
                        rng.u32(10..90)
                    ),
                    p(
                        "This forecast is updated automatically every morning from data published by the weather service. Check back for changes before you head out.",
                    ),
                    format!(
                        "Tomorrow: a high of {} and a low of {}.",
                        rng.u32(50..95),
                        rng.u32(20..50)
                    ),
                ],
            )
        }
        3 => {
            let mag = format!("{}.{}", rng.u32(2..6), rng.u32(0..10));
            let miles = rng.u32(2..40);
            let dir = pick(
                rng,
                &["north", "south", "east", "west", "northeast", "southwest"],
            );
            let title = format!("Magnitude {mag} earthquake strikes {miles} miles {dir} of {city}");
            (
                title,
                vec![
                    format!(
                        "A magnitude {mag} earthquake struck {miles} miles {dir} of {city}, {state}, at {}:{:02} a.m. {day}, according to the U.S. Geological Survey.",
                        rng.u32(1..12),
                        rng.u32(0..60)
                    ),
                    format!(
                        "The quake occurred at a depth of {}.{} miles. Its epicenter was {} miles from {} and {} miles from {}.",
                        rng.u32(1..15),
                        rng.u32(0..10),
                        rng.u32(5..40),
                        pick(rng, CITIES),
                        rng.u32(40..90),
                        pick(rng, CITIES)
                    ),
                    format!(
                        "In the past 10 days, there have been {} earthquakes of magnitude 3.0 and greater centered nearby. An average of {} earthquakes with magnitudes between 4.0 and 5.0 occur per year in the region.",
                        rng.u32(0..9),
                        rng.u32(1..30)
                    ),
                    p(
                        "This story was generated automatically from data published by the U.S. Geological Survey and reviewed by an editor.",
                    ),
                ],
            )
        }
        4 => {
            let road = pick(rng, STREETS);
            let title = format!("Lane closures on {road} in {city} start {day}");
            (
                title,
                vec![
                    format!(
                        "Crews will close {} lanes of {road} in {city} starting {day}, {date}, for pavement repairs between {} Street and {} Avenue, the {state} transportation department said.",
                        pick(rng, &["two", "three", "the left", "the right"]),
                        rng.u32(1..90),
                        pick(
                            rng,
                            &["Washington", "Jefferson", "Adams", "Monroe", "Jackson"]
                        )
                    ),
                    format!(
                        "Work is scheduled from {} p.m. to {} a.m. each night and is expected to last about {} weeks, weather permitting. Detours will be posted.",
                        rng.u32(7..11),
                        rng.u32(4..7),
                        rng.u32(2..9)
                    ),
                    format!(
                        "Drivers should expect delays of up to {} minutes during the closures and are urged to use alternate routes where possible. The project costs ${} million.",
                        rng.u32(5..45),
                        money(rng, 1, 30)
                    ),
                    p(
                        "Information about road work across the state is available from the transportation department's traveler information line.",
                    ),
                ],
            )
        }
        5 => {
            let name = pick(
                rng,
                &[
                    "Golden Wok",
                    "Rosa's Kitchen",
                    "Blue Plate Diner",
                    "Taco Loco",
                    "The Corner Cafe",
                    "Sakura Sushi",
                ],
            );
            let violations = rng.u32(1..15);
            let title =
                format!("{name} in {city} cited for {violations} violations in {date} inspection");
            (
                title,
                vec![
                    format!(
                        "Health inspectors cited {name} at {} {} in {city} for {violations} violations during a routine inspection on {day}, {date}.",
                        rng.u32(100..9999),
                        pick(rng, STREETS)
                    ),
                    format!(
                        "Inspectors found {} critical violations, including food held at {} degrees, above the safe limit, and {} non-critical violations related to cleaning and storage.",
                        rng.u32(0..5),
                        rng.u32(42..70),
                        rng.u32(0..10)
                    ),
                    format!(
                        "The restaurant received a score of {} out of 100. A follow-up inspection is scheduled within {} days. Inspection reports are public records.",
                        rng.u32(60..100),
                        rng.u32(7..30)
                    ),
                    p(
                        "Restaurant inspection results are compiled automatically from the county health department's public database each week.",
                    ),
                ],
            )
        }
        6 => {
            let (a, b) = (pick(rng, TEAMS), pick(rng, TEAMS));
            let (sa, sb) = (rng.u32(14..40), rng.u32(3..14));
            let title = format!("{city} {a} beat {b} {sa}-{sb}");
            (
                title,
                vec![
                    format!(
                        "The {city} {a} defeated the {b} {sa}-{sb} on {day} night in front of {} fans at home, improving their record to {}-{} this season.",
                        rng.u32(800..9000),
                        rng.u32(1..10),
                        rng.u32(0..6)
                    ),
                    format!(
                        "{} led the {a} with {} points and {} rebounds, while {} added {} points off the bench.",
                        pick(rng, NAMES),
                        rng.u32(10..35),
                        rng.u32(2..15),
                        pick(rng, NAMES),
                        rng.u32(4..20)
                    ),
                    format!(
                        "The {b} trailed by {} points at halftime and never recovered. They fall to {}-{} on the season.",
                        rng.u32(3..20),
                        rng.u32(0..8),
                        rng.u32(1..9)
                    ),
                    format!(
                        "The {a} play again next {} against the {}. This recap was generated automatically from the official box score.",
                        pick(rng, DAYS),
                        pick(rng, TEAMS)
                    ),
                ],
            )
        }
        7 => {
            let company = pick(rng, COMPANIES);
            let q = rng.u32(1..5);
            let eps = money(rng, 0, 4);
            let title = format!("{company} reports Q{q} earnings of ${eps} per share");
            (
                title,
                vec![
                    format!(
                        "{company} on {day} reported fiscal quarter {q} earnings of ${} million, or ${eps} per share, compared with ${} million a year earlier.",
                        rng.u32(10..900),
                        rng.u32(10..900)
                    ),
                    format!(
                        "Revenue for the quarter was ${} billion, {} {} percent from the same period last year. Analysts surveyed had expected earnings of ${} per share.",
                        money(rng, 1, 20),
                        pick(rng, &["up", "down"]),
                        rng.u32(1..30),
                        money(rng, 0, 4)
                    ),
                    format!(
                        "Shares of the {city}-based company closed at ${} on {day}, and have {} {} percent since the beginning of the year.",
                        money(rng, 10, 300),
                        pick(rng, &["risen", "fallen"]),
                        rng.u32(1..60)
                    ),
                    p(
                        "This story was generated automatically using data from the company's financial statements and market data providers.",
                    ),
                ],
            )
        }
        8 => {
            let number = rng.u32(10..9999);
            let street = pick(rng, STREETS);
            let price = rng.u32(150..990);
            let title = format!("Home at {number} {street} in {city} sells for ${price},000");
            (
                title,
                vec![
                    format!(
                        "A {}-bedroom home at {number} {street} in {city} has sold for ${price},000, according to county property records filed on {day}, {date}.",
                        rng.u32(2..6)
                    ),
                    format!(
                        "The {}-square-foot house was built in {} and sits on a lot of {}.{} acres. It last sold in {} for ${},000.",
                        rng.u32(900..4000),
                        rng.u32(1920..2020),
                        rng.u32(0..3),
                        rng.u32(0..10),
                        rng.u32(1990..2022),
                        rng.u32(80..600)
                    ),
                    format!(
                        "The buyers were {} and {}. The sellers were represented by {} Realty.",
                        pick(rng, NAMES),
                        pick(rng, NAMES),
                        pick(rng, &["Keller", "Summit", "Prime", "Harbor", "Oakridge"])
                    ),
                    p(
                        "Property sales are compiled automatically from public deed records, which can lag the actual closing date by several weeks.",
                    ),
                ],
            )
        }
        9 => {
            let name = pick(rng, NAMES);
            let age = rng.u32(18..80);
            let title = format!("Police log: {name}, {age}, of {city} arrested {day}");
            (
                title,
                vec![
                    format!(
                        "{name}, {age}, of {city}, was arrested on {day}, {date}, at about {}:{:02} p.m. near {} {} and charged with {}.",
                        rng.u32(1..12),
                        rng.u32(0..60),
                        rng.u32(100..999),
                        pick(rng, STREETS),
                        pick(
                            rng,
                            &[
                                "shoplifting",
                                "trespassing",
                                "drunken driving",
                                "disorderly conduct",
                                "criminal mischief"
                            ]
                        )
                    ),
                    format!(
                        "Officers responded to a call at {} and found the suspect nearby. Bail was set at ${},000, and a court date was scheduled for {} {}.",
                        pick(
                            rng,
                            &["a gas station", "a grocery store", "a parking lot", "a bar"]
                        ),
                        rng.u32(1..50),
                        pick(rng, MONTHS),
                        rng.u32(1..29)
                    ),
                    format!(
                        "The {city} Police Department responded to {} calls for service in the {} hours ending at midnight.",
                        rng.u32(20..200),
                        rng.u32(12..48)
                    ),
                    p(
                        "Everyone arrested is presumed innocent until proven guilty in a court of law. The police log is compiled from public records.",
                    ),
                ],
            )
        }
        10 => {
            let aqi = rng.u32(20..250);
            let title = format!("{city} air quality index reaches {aqi} on {day}");
            (
                title,
                vec![
                    format!(
                        "The air quality index in {city}, {state}, reached {aqi} on {day}, {date}, with fine particles as the main pollutant, according to monitoring stations.",
                    ),
                    format!(
                        "Readings at {} monitoring sites ranged from {} to {}. Ozone levels peaked at {} parts per billion in the early afternoon.",
                        rng.u32(2..12),
                        rng.u32(10..80),
                        rng.u32(80..300),
                        rng.u32(20..90)
                    ),
                    format!(
                        "Health officials advise sensitive groups to limit time outdoors when the index exceeds {}. The forecast for {} calls for an index near {}.",
                        rng.u32(100..151),
                        pick(rng, DAYS),
                        rng.u32(20..200)
                    ),
                    p(
                        "Air quality data are preliminary and updated hourly by the environmental agency; this report is generated automatically.",
                    ),
                    format!("Tomorrow's forecast index in {city}: {}.", rng.u32(20..200)),
                ],
            )
        }
        _ => {
            let district = format!(
                "{city} {}",
                pick(rng, &["Area", "Unified", "Township", "County"])
            );
            let closed = rng.u32(2..30);
            let title = format!("{district} School District closes {closed} schools {day}");
            (
                title,
                vec![
                    format!(
                        "The {district} School District closed {closed} of its {} schools on {day}, {date}, because of {}, Superintendent {} said in a message to families.",
                        rng.u32(30..80),
                        pick(
                            rng,
                            &[
                                "icy roads",
                                "a power outage",
                                "flooding",
                                "a water main break",
                                "extreme heat"
                            ]
                        ),
                        pick(rng, NAMES)
                    ),
                    format!(
                        "About {},{:03} students are affected. Meals will be available for pickup at {} locations between {} a.m. and noon.",
                        rng.u32(1..40),
                        rng.u32(0..1000),
                        rng.u32(2..12),
                        rng.u32(8..11)
                    ),
                    format!(
                        "The district said it would announce by {} p.m. whether schools will reopen on {}. The day will be made up on {} {}.",
                        rng.u32(4..9),
                        pick(rng, DAYS),
                        pick(rng, MONTHS),
                        rng.u32(1..29)
                    ),
                    p(
                        "School closing announcements are collected automatically from district notices and updated throughout the morning.",
                    ),
                ],
            )
        }
    }
}

/// Templated items of `half`'s templates, `per_template` each, every item
/// with two syndicated copies: one with a credit line and a dateline, one
/// without its last paragraph and with another outlet's credit.
pub fn templated(half: Half, per_template: usize) -> Vec<Item> {
    let mut rng = Rng::with_seed(half.seed());
    let mut items = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut group = 0;
    for template in half.templates() {
        let mut made = 0;
        while made < per_template {
            let (title, paras) = templated_item(template, &mut rng);
            if !seen.insert(paras.join("\n\n")) {
                continue; // the same facts drawn twice: the same item
            }
            made += 1;
            items.push(Item {
                group,
                kind: "templated",
                title: title.clone(),
                text: paras.join("\n\n"),
            });
            let outlet = pick(&mut rng, OUTLETS);
            let mut copy = paras.clone();
            copy[0] = format!(
                "{} ({}) — {}",
                pick(&mut rng, CITIES).to_uppercase(),
                outlet,
                copy[0]
            );
            copy.push(format!("Copyright 2026 {outlet}. All rights reserved."));
            items.push(Item {
                group,
                kind: "templated-copy",
                title: format!("{title} | {outlet}"),
                text: copy.join("\n\n"),
            });
            let other = pick(&mut rng, OUTLETS);
            let mut cut = paras[..paras.len() - 1].to_vec();
            cut.push(format!("Distributed by {other}."));
            items.push(Item {
                group,
                kind: "templated-cut",
                title: title.clone(),
                text: cut.join("\n\n"),
            });
            group += 1;
        }
    }
    items
}

// Measures, over items and the story each ended in (same order).

/// Items whose story holds an item of another group, over all items.
pub fn wrongly_merged(items: &[Item], stories: &[Option<i64>]) -> (usize, usize) {
    let mut group_of_story = std::collections::HashMap::<i64, Vec<usize>>::new();
    for (item, story) in items.iter().zip(stories) {
        group_of_story
            .entry(story.unwrap())
            .or_default()
            .push(item.group);
    }
    let wrong = items
        .iter()
        .zip(stories)
        .filter(|(item, story)| {
            group_of_story[&story.unwrap()]
                .iter()
                .any(|&g| g != item.group)
        })
        .count();
    (wrong, items.len())
}

/// Items of `kind` in the same story as their group's first item.
pub fn joined_first(items: &[Item], stories: &[Option<i64>], kind: &str) -> (usize, usize) {
    let mut first = std::collections::HashMap::<usize, Option<i64>>::new();
    for (item, story) in items.iter().zip(stories) {
        first.entry(item.group).or_insert(*story);
    }
    let mut seen = std::collections::HashSet::new();
    let (mut joined, mut total) = (0, 0);
    for (item, story) in items.iter().zip(stories) {
        if !seen.insert(item.group) && item.kind == kind {
            total += 1;
            joined += usize::from(first[&item.group] == *story);
        }
    }
    (joined, total)
}

/// Long article bodies of `half`, as paragraphs (at least `min` of them).
fn articles(bodies: &[String], half: Half, min: usize) -> Vec<Vec<String>> {
    half.bodies(bodies)
        .iter()
        .map(|b| super::corpus::paragraphs(b))
        .filter(|p| p.len() >= min && p.join(" ").split_whitespace().count() >= 250)
        .collect()
}

fn head(paras: &[String]) -> String {
    paras[0]
        .split_whitespace()
        .take(8)
        .collect::<Vec<_>>()
        .join(" ")
}

/// For each long article of `half` (up to `limit`): the full copy, and an
/// aggregator's excerpt of its first two or three paragraphs ending "Read
/// the full story at <Outlet>", sometimes with a lead line of its own.
pub fn excerpts(bodies: &[String], half: Half, limit: usize) -> Vec<Item> {
    excerpts_seeded(bodies, half, limit, half.seed() + 1)
}

/// [`excerpts`] drawn with another seed: more excerpts of the same half
/// (other cuts, lead lines and outlets), to look at the tuning half's
/// failures more widely than its 60 scored ones.
pub fn excerpts_seeded(bodies: &[String], half: Half, limit: usize, seed: u64) -> Vec<Item> {
    let mut rng = Rng::with_seed(seed);
    let mut items = Vec::new();
    for (group, paras) in articles(bodies, half, 6)
        .into_iter()
        .take(limit)
        .enumerate()
    {
        let title = head(&paras);
        items.push(Item {
            group,
            kind: "full",
            title: title.clone(),
            text: paras.join("\n\n"),
        });
        let outlet = pick(&mut rng, OUTLETS);
        let mut excerpt = paras[..rng.usize(2..4)].to_vec();
        if rng.bool() {
            excerpt.insert(0, format!("From {outlet}:"));
        }
        excerpt.push(format!("Read the full story at {outlet}."));
        items.push(Item {
            group,
            kind: "excerpt",
            title: format!("{title} - {outlet}"),
            text: excerpt.join("\n\n"),
        });
    }
    items
}

/// Changes a sentence as an editor updating a story does: each number
/// goes up, and a few words change.
fn rewrite_sentence(sentence: &str, rng: &mut Rng) -> String {
    let mut words: Vec<String> = sentence
        .split(' ')
        .map(|w| match w.parse::<u32>() {
            Ok(n) => (n + 1 + rng.u32(0..5)).to_string(),
            Err(_) => w.to_string(),
        })
        .collect();
    for _ in 0..3 {
        let at = rng.usize(..words.len());
        words[at] = pick(rng, &["now", "later", "further", "officials", "reportedly"]).to_string();
    }
    words.join(" ")
}

/// For each long article of `half` (up to `limit`): four versions of a
/// developing wire story, "UPDATE 1-…" to "UPDATE 3-…" after the first,
/// each adding a paragraph or two at the top (text of another article)
/// and rewriting the first sentence of the version before.
pub fn developing(bodies: &[String], half: Half, limit: usize) -> Vec<Item> {
    let mut rng = Rng::with_seed(half.seed() + 2);
    let pool = articles(bodies, half, 8);
    let donors: Vec<String> = pool
        .iter()
        .rev()
        .flat_map(|p| p.iter().cloned())
        .filter(|p| p.split_whitespace().count() >= 25)
        .collect();
    let mut items = Vec::new();
    let mut donor = 0;
    for (group, paras) in pool.iter().take(limit).enumerate() {
        let title = head(paras);
        // The first version: the article without its last paragraphs.
        let mut version: Vec<String> = paras[..paras.len() - 2].to_vec();
        items.push(Item {
            group,
            kind: "developing",
            title: title.clone(),
            text: version.join("\n\n"),
        });
        for update in 1..=3 {
            let first = &version[0];
            let (sentence, rest) = match first.find(". ") {
                Some(at) => (&first[..at + 1], &first[at + 1..]),
                None => (first.as_str(), ""),
            };
            version[0] = format!("{}{rest}", rewrite_sentence(sentence, &mut rng));
            for _ in 0..rng.usize(1..3) {
                version.insert(0, donors[donor % donors.len()].clone());
                donor += 1;
            }
            items.push(Item {
                group,
                kind: "developing",
                title: format!("UPDATE {update}-{title}"),
                text: version.join("\n\n"),
            });
        }
    }
    items
}

/// A press statement, and for each of `articles` stories of `half` an
/// article of its own paragraphs quoting it whole: different stories
/// (each its own group) that share one paragraph.
pub fn press_statements(bodies: &[String], half: Half, statements: usize) -> Vec<Item> {
    let mut rng = Rng::with_seed(half.seed() + 3);
    let pool = articles(bodies, half, 6);
    let mut items = Vec::new();
    let mut next = 0;
    let mut group = 0;
    for s in 0..statements {
        let company = COMPANIES[s % COMPANIES.len()];
        let statement = format!(
            "\u{201c}{company} is cooperating fully with regulators and takes these concerns seriously. \
             The safety of our customers and employees has always been our highest priority, and we \
             have engaged an independent firm to review our procedures at every site. We will share \
             what we learn with the public as soon as the review is complete, and we regret any \
             inconvenience this has caused the communities we serve,\u{201d} the company said in a \
             statement on {}.",
            pick(&mut rng, DAYS)
        );
        for _ in 0..4 {
            let paras = &pool[next % pool.len()];
            next += 1;
            let mut own: Vec<String> = paras[..rng.usize(3..paras.len().min(7))].to_vec();
            let at = rng.usize(1..=own.len());
            own.insert(at, statement.clone());
            items.push(Item {
                group,
                kind: "press",
                title: head(paras),
                text: own.join("\n\n"),
            });
            group += 1;
        }
    }
    items
}

/// A wire story carried by hundreds of sites in one window: for each long
/// article of `half` (up to `articles`), `copies` copies, each titled with
/// the article's head (half of them with their site after it), and each
/// with a note of its own at the
/// end naming its site and a number. Every fourth copy drops the article's
/// last paragraph, every fourth has a dateline, every eighth a byline and a
/// paragraph trimmed from the middle, every fourth is an aggregator's
/// excerpt of the first two or three paragraphs. All the
/// copies of an article are one story (group).
pub fn mass_syndicated(bodies: &[String], half: Half, articles: usize, copies: usize) -> Vec<Item> {
    let mut rng = Rng::with_seed(half.seed() + 4);
    let mut items = Vec::new();
    for (group, paras) in self::articles(bodies, half, 6)
        .into_iter()
        .take(articles)
        .enumerate()
    {
        let title = head(&paras);
        for site in 0..copies {
            let outlet = pick(&mut rng, OUTLETS);
            let note = format!(
                "Site {site}, item {group}: a note of its own about harbour number {}.",
                site * 1000 + group
            );
            let (kind, mut text) = match site % 4 {
                // A paper that trims a paragraph from the middle and puts
                // its own byline on top: copies spread over more bits.
                0 if site % 8 == 4 => {
                    let mut trimmed = paras.clone();
                    trimmed.remove(rng.usize(1..paras.len() - 1));
                    trimmed.insert(0, format!("By {}, {outlet}", pick(&mut rng, NAMES)));
                    ("mass-copy", trimmed)
                }
                0 => ("mass-copy", paras.clone()),
                1 => {
                    let mut dated = paras.clone();
                    dated[0] = format!(
                        "{} ({outlet}) — {}",
                        pick(&mut rng, CITIES).to_uppercase(),
                        dated[0]
                    );
                    ("mass-copy", dated)
                }
                2 => ("mass-copy", paras[..paras.len() - 1].to_vec()),
                _ => {
                    let mut excerpt = paras[..rng.usize(2..4)].to_vec();
                    excerpt.push(format!("Read the full story at {outlet}."));
                    ("mass-excerpt", excerpt)
                }
            };
            text.push(note);
            items.push(Item {
                group,
                kind,
                // Half keep the wire's headline as it was.
                title: if site % 8 < 4 {
                    title.clone()
                } else {
                    format!("{title} ({site})")
                },
                text: text.join("\n\n"),
            });
        }
    }
    items
}

/// Short wire stories carried by many sites, each copy ending with a note
/// of its own: for each real body of 60 to 120 words (its lines as
/// paragraphs), `copies` copies, each ending with its site's closing line
/// in the wording every site of the story's network uses (the same words,
/// its own name and numbers): "Site s, item g: a note of its own about
/// harbour number N." for every other story, "Contact the <City> <Paper>
/// newsroom at 555-01NN." for the rest. (Copies with notes in two
/// wordings state no fact in the same place, so they join whatever the
/// notes say.) Every third copy keeps the headline; the others add their
/// site's number to it. A note states two facts where every other copy
/// states others, so a pair of copies of a 64-word story disagrees in two
/// places and shares about 70 shingles. All copies of a story are one
/// group.
pub fn noted_short_copies(bodies: &[String], copies: usize) -> Vec<Item> {
    let mut rng = Rng::with_seed(17_005);
    let mut items = Vec::new();
    let short = bodies.iter().filter(|b| {
        let words = b.split_whitespace().count();
        (60..=120).contains(&words)
    });
    for (group, body) in short.enumerate() {
        let paras: Vec<&str> = body
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let title = head(&[paras[0].to_string()]);
        for site in 0..copies {
            let note = if group % 2 == 0 {
                format!(
                    "Site {site}, item {group}: a note of its own about harbour number {}.",
                    site * 1000 + group
                )
            } else {
                format!(
                    "Contact the {} {} newsroom at 555-01{:02}.",
                    pick(&mut rng, CITIES),
                    pick(&mut rng, &["Herald", "Courier", "Gazette", "Times", "Post"]),
                    rng.u32(0..100)
                )
            };
            items.push(Item {
                group,
                kind: "noted-copy",
                title: if site % 3 == 0 {
                    title.clone()
                } else {
                    format!("{title} ({site})")
                },
                text: format!("{}\n\n{note}", paras.join("\n\n")),
            });
        }
    }
    items
}

/// A template whose items differ in one fact, in their closing line: the
/// draws of one game on `draws` evenings, worded alike, each ending "The
/// jackpot is now $N million." with its own N, evenings alternating
/// between two days (so half the pairs differ in the day as well); and a
/// syndicated copy of each, the same text under an outlet's title. 45
/// words an item, 6 of them the closing line: what two items share apart
/// from it (37 shingles) outweighs no fact that differs. (A copy with a
/// credit line added would share 40 with another item's copy, which
/// outweighs one fact: the verifier cannot tell such a template's items
/// from copies whose notes differ.) Each draw and its copy are one group.
pub fn jackpot_draws(draws: usize) -> Vec<Item> {
    let mut rng = Rng::with_seed(17_006);
    let mut items = Vec::new();
    for group in 0..draws {
        let (day, next) = if group % 2 == 0 {
            ("Saturday", "Wednesday")
        } else {
            ("Wednesday", "Saturday")
        };
        let jackpot = 100 + 10 * group;
        let text = format!(
            "No ticket matched all five numbers drawn in {day} night's Mega Draw, lottery \
             officials said. The next drawing is on {next} night, and tickets for it are \
             sold until 9:45 p.m. at retailers across the state.\n\nThe jackpot is now \
             ${jackpot} million."
        );
        let title =
            format!("No Mega Draw jackpot winner {day}; jackpot grows to ${jackpot} million");
        let outlet = pick(&mut rng, OUTLETS);
        items.push(Item {
            group,
            kind: "draw",
            title: title.clone(),
            text: text.clone(),
        });
        items.push(Item {
            group,
            kind: "draw-copy",
            title: format!("{title} | {outlet}"),
            text,
        });
    }
    items
}

//! The summary table of a report: every session grouped by reference, oldest first, with
//! the change of each score since the previous intake of the same reference and whether
//! that change is reliable.
//!
//! A report over many files must not grow by a whole structure per session, so each
//! session's point is kept as a few packed bytes in the group of its reference: its date,
//! id, file (the folder stored once) and a value per scale, the list of scale names stored
//! once for every session that has the same. A group is unpacked, sorted and judged only
//! when it is written, one group at a time. 100,000 sessions of the bundled questionnaires
//! take about 15 MB this way; the output is the same as from whole structures.

use std::collections::{BTreeMap, HashMap};

use super::change::{self, Reliable, ScaleNorms};
use super::clinician::{ReferenceGroup, SessionReport, TrendPoint};
use super::couple::Facts;

/// What the summary table needs of one session: its reference and scores.
#[derive(Debug, Clone)]
pub(crate) struct Point {
    pub(crate) reference: Option<String>,
    pub(crate) id: String,
    pub(crate) created: String,
    pub(crate) file: Option<String>,
    pub(crate) scores: BTreeMap<String, Option<f64>>,
    /// What the couple view needs of a partner's intake (the safety screen, the answers
    /// about desire); not kept in the packed summary.
    pub(crate) couple: Option<Facts>,
}

/// The summary point of a session.
pub(crate) fn point(s: &SessionReport) -> Point {
    Point {
        reference: s.reference.clone(),
        id: s.id.clone(),
        created: s.created.clone(),
        file: s.file.clone(),
        couple: Some(Facts::of(s)),
        scores: s
            .questionnaires
            .iter()
            .flat_map(|q| {
                q.scales
                    .iter()
                    .map(move |sc| (format!("{}.{}", q.id, sc.id), sc.value))
            })
            .collect(),
    }
}

/// Every session's point, packed, by reference.
#[derive(Debug, Default)]
pub(crate) struct Grouped {
    /// Each distinct list of `questionnaire.scale` names, once.
    shapes: Vec<Vec<String>>,
    shape_index: HashMap<Vec<String>, u32>,
    /// Each distinct folder of a file, once.
    folders: Vec<String>,
    folder_index: HashMap<String, u32>,
    groups: HashMap<Option<String>, Vec<Box<[u8]>>>,
    sessions: usize,
}

impl Grouped {
    /// Keeps a session's point.
    pub(crate) fn add(&mut self, p: Point) {
        let mut bytes = Vec::with_capacity(64);
        put_time(&mut bytes, &p.created);
        put_id(&mut bytes, &p.id);
        match &p.file {
            None => bytes.push(0),
            Some(f) => {
                bytes.push(1);
                let (folder, name) = f.rsplit_once('/').map_or(("", f.as_str()), |(d, n)| (d, n));
                let folder = match self.folder_index.get(folder) {
                    Some(&i) => i,
                    None => {
                        let i = index(self.folders.len());
                        self.folders.push(folder.to_owned());
                        self.folder_index.insert(folder.to_owned(), i);
                        i
                    }
                };
                bytes.extend_from_slice(&folder.to_le_bytes());
                // Whether a `/` stood between the folder and the name.
                bytes.push(u8::from(f.contains('/')));
                put_str(&mut bytes, name);
            }
        }
        let (names, values): (Vec<String>, Vec<Option<f64>>) = p.scores.into_iter().unzip();
        let shape = match self.shape_index.get(names.as_slice()) {
            Some(&i) => i,
            None => {
                let i = index(self.shapes.len());
                self.shapes.push(names.clone());
                self.shape_index.insert(names, i);
                i
            }
        };
        bytes.extend_from_slice(&shape.to_le_bytes());
        for v in values {
            put_value(&mut bytes, v);
        }
        self.sessions += 1;
        self.groups
            .entry(p.reference)
            .or_default()
            .push(bytes.into_boxed_slice());
    }

    /// How many sessions were kept.
    pub(crate) fn sessions(&self) -> usize {
        self.sessions
    }

    /// The groups in order (by reference, sessions without one last), each with its
    /// sessions oldest first, the change of each score since the previous session and
    /// whether it is reliable; made one at a time.
    pub(crate) fn groups<'a>(
        &'a self,
        norms: &'a ScaleNorms,
    ) -> impl Iterator<Item = ReferenceGroup> + 'a {
        let mut keys: Vec<&Option<String>> = self.groups.keys().collect();
        keys.sort_by(|a, b| (a.is_none(), a).cmp(&(b.is_none(), b)));
        keys.into_iter().map(move |reference| {
            let mut points: Vec<Point> = self.groups[reference]
                .iter()
                .map(|bytes| self.unpack(reference, bytes))
                .collect();
            points.sort_by(|a, b| (&a.created, &a.id).cmp(&(&b.created, &b.id)));
            group(reference.clone(), points, norms)
        })
    }

    fn unpack(&self, reference: &Option<String>, bytes: &[u8]) -> Point {
        let mut r = Reader { bytes, at: 0 };
        let created = r.time();
        let id = r.id();
        let file = match r.byte() {
            0 => None,
            _ => {
                let folder = &self.folders[r.u32() as usize];
                let slash = r.byte() == 1;
                let name = r.str();
                Some(if slash {
                    format!("{folder}/{name}")
                } else {
                    name.to_owned()
                })
            }
        };
        let names = &self.shapes[r.u32() as usize];
        let scores = names.iter().map(|n| (n.clone(), r.value())).collect();
        Point {
            reference: reference.clone(),
            id,
            created,
            file,
            scores,
            couple: None,
        }
    }
}

/// One reference's sessions, oldest first, with their changes.
fn group(reference: Option<String>, points: Vec<Point>, norms: &ScaleNorms) -> ReferenceGroup {
    let mut sessions: Vec<TrendPoint> = Vec::with_capacity(points.len());
    // The first valid score of each scale in this group: what "since the first" compares to.
    let mut first: BTreeMap<String, f64> = BTreeMap::new();
    for p in points {
        let (change, reliable) = match sessions.last() {
            Some(prev) => changes(&p, prev, &first, norms),
            None => (BTreeMap::new(), BTreeMap::new()),
        };
        for (k, v) in &p.scores {
            if let Some(v) = v {
                first.entry(k.clone()).or_insert(*v);
            }
        }
        sessions.push(TrendPoint {
            id: p.id,
            created: p.created,
            file: p.file,
            scores: p.scores,
            change,
            reliable_change: reliable,
        });
    }
    ReferenceGroup {
        reference,
        sessions,
    }
}

type Changes = (BTreeMap<String, Option<f64>>, BTreeMap<String, Reliable>);

/// The change of each score of `p` since `prev`, and, where both are valid, whether the
/// change since `prev` and since the first valid score of the group is reliable.
fn changes(
    p: &Point,
    prev: &TrendPoint,
    first: &BTreeMap<String, f64>,
    norms: &ScaleNorms,
) -> Changes {
    let mut change = BTreeMap::new();
    let mut reliable = BTreeMap::new();
    for (k, v) in &p.scores {
        let before = prev.scores.get(k).copied().flatten();
        let d = match (v, before) {
            (Some(now), Some(before)) => Some(crate::model::range::round(now - before)),
            _ => None,
        };
        change.insert(k.clone(), d);
        let Some(now) = *v else { continue };
        let n = norms.get(k);
        let judged = Reliable {
            since_previous: before.map(|b| change::judge(b, now, n)),
            since_first: first.get(k).map(|&f| change::judge(f, now, n)),
        };
        if judged.since_previous.is_some() || judged.since_first.is_some() {
            reliable.insert(k.clone(), judged);
        }
    }
    (change, reliable)
}

/// Groups points in memory (for a few sessions, as `clinician::build` has them).
pub(crate) fn group_all(points: Vec<Point>, norms: &ScaleNorms) -> Vec<ReferenceGroup> {
    let mut g = Grouped::default();
    for p in points {
        g.add(p);
    }
    g.groups(norms).collect()
}

fn index(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A string: its length (one byte when under 255, else 255 and four bytes), then its bytes.
fn put_str(bytes: &mut Vec<u8>, s: &str) {
    match u8::try_from(s.len()) {
        Ok(n) if n < u8::MAX => bytes.push(n),
        _ => {
            bytes.push(u8::MAX);
            bytes.extend_from_slice(&index(s.len()).to_le_bytes());
        }
    }
    bytes.extend_from_slice(s.as_bytes());
}

/// A session id: 16 bytes when it is a UUID written as confide writes one (lowercase,
/// hyphenated), else the string.
fn put_id(bytes: &mut Vec<u8>, id: &str) {
    match uuid::Uuid::try_parse(id) {
        Ok(u) if u.hyphenated().to_string() == id => {
            bytes.push(1);
            bytes.extend_from_slice(u.as_bytes());
        }
        _ => {
            bytes.push(0);
            put_str(bytes, id);
        }
    }
}

/// A record's time: 8 bytes of seconds when it is written as confide writes one (UTC, to
/// the second, `2026-11-25T09:00:00Z`), else the string.
fn put_time(bytes: &mut Vec<u8>, created: &str) {
    use time::format_description::well_known::Rfc3339;
    let exact = time::OffsetDateTime::parse(created, &Rfc3339)
        .ok()
        .filter(|t| {
            t.offset().is_utc()
                && t.nanosecond() == 0
                && t.format(&Rfc3339).ok().as_deref() == Some(created)
        });
    match exact {
        Some(t) => {
            bytes.push(1);
            bytes.extend_from_slice(&t.unix_timestamp().to_le_bytes());
        }
        None => {
            bytes.push(0);
            put_str(bytes, created);
        }
    }
}

/// A value in as few bytes as it needs: none, a small whole number, or the number itself.
fn put_value(bytes: &mut Vec<u8>, v: Option<f64>) {
    match v {
        None => bytes.push(0),
        Some(x)
            if x.fract() == 0.0 && (-32768.0..=32767.0).contains(&x) && !is_negative_zero(x) =>
        {
            bytes.push(1);
            #[allow(clippy::cast_possible_truncation)]
            bytes.extend_from_slice(&(x as i16).to_le_bytes());
        }
        Some(x) => {
            bytes.push(2);
            bytes.extend_from_slice(&x.to_le_bytes());
        }
    }
}

fn is_negative_zero(x: f64) -> bool {
    x == 0.0 && x.is_sign_negative()
}

/// Reads back what `Grouped::add` packed.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> &'a [u8] {
        let s = &self.bytes[self.at..self.at + n];
        self.at += n;
        s
    }

    fn byte(&mut self) -> u8 {
        self.take(1)[0]
    }

    fn u32(&mut self) -> u32 {
        let mut b = [0; 4];
        b.copy_from_slice(self.take(4));
        u32::from_le_bytes(b)
    }

    fn str(&mut self) -> &'a str {
        let n = match self.byte() {
            u8::MAX => self.u32() as usize,
            n => usize::from(n),
        };
        // Packed from a `&str` by `put_str`.
        std::str::from_utf8(self.take(n)).unwrap_or_default()
    }

    fn string(&mut self) -> String {
        self.str().to_owned()
    }

    fn id(&mut self) -> String {
        match self.byte() {
            1 => {
                let mut b = [0; 16];
                b.copy_from_slice(self.take(16));
                uuid::Uuid::from_bytes(b).hyphenated().to_string()
            }
            _ => self.string(),
        }
    }

    fn time(&mut self) -> String {
        use time::format_description::well_known::Rfc3339;
        match self.byte() {
            1 => {
                let mut b = [0; 8];
                b.copy_from_slice(self.take(8));
                time::OffsetDateTime::from_unix_timestamp(i64::from_le_bytes(b))
                    .ok()
                    .and_then(|t| t.format(&Rfc3339).ok())
                    .unwrap_or_default()
            }
            _ => self.string(),
        }
    }

    fn value(&mut self) -> Option<f64> {
        match self.byte() {
            0 => None,
            1 => {
                let mut b = [0; 2];
                b.copy_from_slice(self.take(2));
                Some(f64::from(i16::from_le_bytes(b)))
            }
            _ => {
                let mut b = [0; 8];
                b.copy_from_slice(self.take(8));
                Some(f64::from_le_bytes(b))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(
        reference: Option<&str>,
        id: &str,
        created: &str,
        file: Option<&str>,
        scores: &[(&str, Option<f64>)],
    ) -> Point {
        Point {
            reference: reference.map(String::from),
            id: id.into(),
            created: created.into(),
            file: file.map(String::from),
            scores: scores.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect(),
            couple: None,
        }
    }

    #[test]
    fn packed_points_come_back_as_they_were_grouped_and_sorted() {
        let values = [
            Some(3.0),
            None,
            Some(-2.5),
            Some(1e9),
            Some(0.333333),
            Some(-0.0),
            Some(40000.0),
        ];
        let mut g = Grouped::default();
        let long = "x".repeat(300);
        g.add(p(
            None,
            "0a1b2c3d-0000-4000-8000-00000000000a",
            "2026-01-04T00:00:00+01:00",
            Some(&long),
            &[],
        ));
        g.add(p(
            None,
            "0A1B2C3D-0000-4000-8000-00000000000A",
            "2026-01-05T00:00:00.5Z",
            None,
            &[],
        ));
        g.add(p(
            None,
            "z",
            "2026-01-03T00:00:00Z",
            None,
            &[("a.x", Some(1.0))],
        ));
        g.add(p(
            Some("B"),
            "b2",
            "2026-01-02T00:00:00Z",
            Some("in/b2.age"),
            &[("a.x", Some(5.0))],
        ));
        g.add(p(
            Some("B"),
            "b1",
            "2026-01-01T00:00:00Z",
            Some("b1.age"),
            &[("a.x", Some(2.0))],
        ));
        for (i, v) in values.iter().enumerate() {
            g.add(p(
                Some("A"),
                &format!("a{i}"),
                &format!("2026-02-0{i}T00:00:00Z"),
                Some("/x/y/ü.age"),
                &[("a.x", *v), ("b.y", Some(1.0))],
            ));
        }
        assert_eq!(g.sessions(), 12);
        let groups: Vec<ReferenceGroup> = g.groups(&ScaleNorms::default()).collect();
        let refs: Vec<Option<&str>> = groups.iter().map(|g| g.reference.as_deref()).collect();
        assert_eq!(refs, [Some("A"), Some("B"), None]);
        let none: Vec<(&str, &str, Option<&str>)> = groups[2]
            .sessions
            .iter()
            .map(|s| (s.id.as_str(), s.created.as_str(), s.file.as_deref()))
            .collect();
        assert_eq!(
            none,
            [
                ("z", "2026-01-03T00:00:00Z", None),
                (
                    "0a1b2c3d-0000-4000-8000-00000000000a",
                    "2026-01-04T00:00:00+01:00",
                    Some(long.as_str())
                ),
                (
                    "0A1B2C3D-0000-4000-8000-00000000000A",
                    "2026-01-05T00:00:00.5Z",
                    None
                ),
            ]
        );
        let a: Vec<Option<f64>> = groups[0].sessions.iter().map(|s| s.scores["a.x"]).collect();
        assert_eq!(a.len(), values.len());
        for (got, want) in a.iter().zip(values) {
            assert_eq!(got.map(f64::to_bits), want.map(f64::to_bits));
        }
        assert_eq!(groups[0].sessions[0].file.as_deref(), Some("/x/y/ü.age"));
        let b = &groups[1].sessions;
        assert_eq!(
            (b[0].id.as_str(), b[0].file.as_deref()),
            ("b1", Some("b1.age"))
        );
        assert_eq!(
            (b[1].id.as_str(), b[1].file.as_deref()),
            ("b2", Some("in/b2.age"))
        );
        assert_eq!(b[1].change["a.x"], Some(3.0));
        let judged = b[1].reliable_change["a.x"];
        assert_eq!(
            judged.since_previous.unwrap().verdict,
            change::Verdict::CannotJudge
        );
        assert_eq!(judged.since_first.unwrap().difference, 3.0);
    }
}

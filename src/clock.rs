//! The one clock (the time now, and how old a file is), and every way a time is written or
//! read back: RFC 3339 in UTC to the second inside files (`2026-11-25T08:15:00Z`), compact
//! in file names (`20261125T081500Z`), and to the minute for people (`2026-11-25 08:15 UTC`).

use std::time::{Duration, SystemTime};

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// Now, in UTC, to the second.
pub(crate) fn now() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(0).unwrap_or(now)
}

/// Now, as written inside files: RFC 3339 in UTC to the second.
pub(crate) fn now_rfc3339() -> String {
    rfc3339(now())
}

/// `t` as written inside files: RFC 3339 in UTC to the second, such as
/// `2026-11-25T08:15:00Z`.
pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    t.replace_nanosecond(0)
        .unwrap_or(t)
        .format(&Rfc3339)
        .unwrap_or_else(|_| "unknown".into())
}

/// How long ago `t` was; `None` when it is in the future.
pub(crate) fn age(t: SystemTime) -> Option<Duration> {
    SystemTime::now().duration_since(t).ok()
}

/// A time written as RFC 3339, with any offset.
pub(crate) fn parse_rfc3339(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok()
}

/// `t` as it starts a file name: `20261125T081500Z`, in UTC.
pub(crate) fn compact(t: OffsetDateTime) -> String {
    t.to_offset(UtcOffset::UTC)
        .format(format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_else(|_| "00000000T000000Z".into())
}

/// A time written by [`compact`].
pub(crate) fn parse_compact(text: &str) -> Option<OffsetDateTime> {
    let format = format_description!("[year][month][day]T[hour][minute][second]Z");
    PrimitiveDateTime::parse(text, &format)
        .ok()
        .map(PrimitiveDateTime::assume_utc)
}

/// `t` for people, to the minute: `2026-11-25 08:15 UTC`.
pub(crate) fn display(t: OffsetDateTime) -> Option<String> {
    t.to_offset(UtcOffset::UTC)
        .format(format_description!(
            "[year]-[month]-[day] [hour]:[minute] UTC"
        ))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_files_are_utc_to_the_second() {
        let t = parse_rfc3339("2026-11-25T09:15:00.75+01:00").unwrap();
        assert_eq!(rfc3339(t), "2026-11-25T08:15:00Z");
        assert_eq!(compact(t), "20261125T081500Z");
        assert_eq!(display(t).as_deref(), Some("2026-11-25 08:15 UTC"));
        assert_eq!(
            parse_compact("20261125T081500Z").map(rfc3339).as_deref(),
            Some("2026-11-25T08:15:00Z")
        );
        assert_eq!(parse_rfc3339("2026-11-25"), None);
    }

    #[test]
    fn now_is_written_without_fractions_of_a_second() {
        let now = now_rfc3339();
        assert_eq!(now.len(), "2026-11-25T08:15:00Z".len(), "{now}");
        assert!(now.ends_with('Z'), "{now}");
        assert_eq!(parse_rfc3339(&now).map(rfc3339), Some(now));
    }
}

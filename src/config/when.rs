//! Times as people type them, for `--since`, `--until` and `--timezone`: dates (`2025-01-31`, `2025-01`, `2025`),
//! `today` and `yesterday`, spans back from now (`7d`, `4w`, `12h`), Unix seconds, and timestamps with or without a
//! zone. A whole day, month or year given to `--until` includes all of it. Forms whose reading is not plain from
//! the text (a span, a word, Unix seconds) are said back on stderr as the instant understood.

use anyhow::{Result, anyhow, bail};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// The forms, for error messages.
const FORMS: &str = "a date (2025-01-31), a month (2025-01), a year (2025), today, yesterday, a span back from now \
                     (7d, 4w, 12h, 30m), Unix seconds (1735689600), or a timestamp (2025-01-31T09:00:00Z; without a \
                     zone, in --timezone)";

/// `--timezone`: an IANA name in any case (`europe/berlin`, `utc`), or `local`, the system's own zone.
pub fn timezone(s: &str) -> Result<Tz> {
    let name = if s.eq_ignore_ascii_case("local") {
        iana_time_zone::get_timezone().map_err(|e| {
            anyhow!("--timezone local: the system's time zone cannot be found ({e}); name it, e.g. Europe/Berlin")
        })?
    } else {
        s.to_string()
    };
    if let Ok(tz) = name.parse::<Tz>() {
        return Ok(tz);
    }
    chrono_tz::TZ_VARIANTS
        .iter()
        .find(|tz| tz.name().eq_ignore_ascii_case(&name))
        .copied()
        .ok_or_else(|| {
            anyhow!("--timezone `{s}` is not a time zone: give an IANA name such as Europe/Berlin, UTC or local")
        })
}

/// The first instant of a calendar day in `tz` (a day whose midnight does not exist starts at its first instant).
fn start_of(day: NaiveDate, tz: Tz) -> Option<DateTime<Utc>> {
    let midnight = day.and_hms_opt(0, 0, 0)?;
    let local = tz.from_local_datetime(&midnight);
    local
        .earliest()
        .or_else(|| tz.from_local_datetime(&(midnight + Duration::hours(1))).earliest())
        .map(|t| t.with_timezone(&Utc))
}

/// A bound read from `s`: `end` for `--until`, where a day, month or year means its end (the start of the next).
/// Returns the instant and, when the text does not say it plainly, what was understood.
pub fn bound(flag: &str, s: &str, tz: Tz, end: bool, now: DateTime<Utc>) -> Result<(DateTime<Utc>, Option<String>)> {
    let t = s.trim();
    let bad = || anyhow!("{flag} `{s}` is not a time tokencost reads; give {FORMS}");
    if let Ok(x) = DateTime::parse_from_rfc3339(t) {
        return Ok((x.with_timezone(&Utc), None));
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(local) = NaiveDateTime::parse_from_str(t, f) {
            let x = tz
                .from_local_datetime(&local)
                .earliest()
                .ok_or_else(|| anyhow!("{flag} `{s}`: that time does not exist in {tz} (the clocks skip it)"))?;
            return Ok((x.with_timezone(&Utc), None));
        }
    }
    let day_range = |first: NaiveDate, next: Option<NaiveDate>| -> Result<DateTime<Utc>> {
        let day = if end { next.ok_or_else(bad)? } else { first };
        start_of(day, tz).ok_or_else(bad)
    };
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Ok((day_range(d, d.succ_opt())?, None));
    }
    let said = |x: DateTime<Utc>| {
        Some(format!(
            "{flag} {s}: from {}",
            x.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z")
        ))
    };
    let lower = t.to_ascii_lowercase();
    if lower == "today" || lower == "yesterday" {
        let today = now.with_timezone(&tz).date_naive();
        let d = if lower == "today" {
            today
        } else {
            today.pred_opt().ok_or_else(bad)?
        };
        let x = day_range(d, d.succ_opt())?;
        return Ok((x, said(x)));
    }
    // A month: 2025-01 (and 2025-1).
    if let Some((y, m)) = t.split_once('-')
        && y.len() == 4
        && let (Ok(y), Ok(m)) = (y.parse::<i32>(), m.parse::<u32>())
    {
        let first = NaiveDate::from_ymd_opt(y, m, 1)
            .ok_or_else(|| anyhow!("{flag} `{s}`: there is no month {m}; give {FORMS}"))?;
        let next = if m == 12 {
            NaiveDate::from_ymd_opt(y + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(y, m + 1, 1)
        };
        return Ok((day_range(first, next)?, None));
    }
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        // Four digits are a year; nine or more are Unix seconds (from 1973 on); nothing else is both plain and likely.
        if t.len() == 4 {
            let y: i32 = t.parse().map_err(|_| bad())?;
            let first = NaiveDate::from_ymd_opt(y, 1, 1).ok_or_else(bad)?;
            return Ok((day_range(first, NaiveDate::from_ymd_opt(y + 1, 1, 1))?, None));
        }
        if t.len() >= 9 {
            let secs: i64 = t.parse().map_err(|_| bad())?;
            let x = DateTime::from_timestamp(secs, 0).ok_or_else(bad)?;
            return Ok((x, said(x)));
        }
        bail!("{flag} `{s}` is neither a year (four digits) nor Unix seconds (nine or more); give {FORMS}");
    }
    // A span back from now: a whole number and a unit.
    if let Some(unit) = lower.chars().last()
        && let Ok(n) = lower[..lower.len() - 1].parse::<i64>()
    {
        let span = match unit {
            'w' => Duration::try_weeks(n),
            'd' => Duration::try_days(n),
            'h' => Duration::try_hours(n),
            'm' => Duration::try_minutes(n),
            _ => None,
        };
        if let Some(x) = span.and_then(|d| now.checked_sub_signed(d)) {
            return Ok((x, said(x)));
        }
    }
    Err(bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    const NOW: &str = "2026-03-09T15:30:00Z";

    fn b(s: &str, tz: &str, end: bool) -> DateTime<Utc> {
        bound("--since", s, timezone(tz).unwrap(), end, at(NOW)).unwrap().0
    }

    #[test]
    fn forms() {
        assert_eq!(b("2025-01-31", "UTC", false), at("2025-01-31T00:00:00Z"));
        assert_eq!(b("2025-01-31", "UTC", true), at("2025-02-01T00:00:00Z"));
        assert_eq!(b("2025-01", "UTC", false), at("2025-01-01T00:00:00Z"));
        assert_eq!(b("2025-12", "UTC", true), at("2026-01-01T00:00:00Z"));
        assert_eq!(b("2025", "utc", true), at("2026-01-01T00:00:00Z"));
        assert_eq!(b("today", "UTC", false), at("2026-03-09T00:00:00Z"));
        assert_eq!(b("Yesterday", "UTC", true), at("2026-03-09T00:00:00Z"));
        assert_eq!(b("7d", "UTC", false), at("2026-03-02T15:30:00Z"));
        assert_eq!(b("4w", "UTC", true), at("2026-02-09T15:30:00Z"));
        assert_eq!(b("12h", "UTC", false), at("2026-03-09T03:30:00Z"));
        assert_eq!(b("1735689600", "UTC", false), at("2025-01-01T00:00:00Z"));
        assert_eq!(b("2025-01-31 09:00", "Asia/Tokyo", false), at("2025-01-31T00:00:00Z"));
        // Tokyo's today began at 15:00 UTC the day before.
        assert_eq!(b("today", "asia/tokyo", false), at("2026-03-09T15:00:00Z"));
    }

    #[test]
    fn mistakes_say_what_is_read() {
        for s in ["2025-13", "31/01/2025", "12345", "7y", "", "2025-02-30"] {
            let e = bound("--since", s, Tz::UTC, false, at(NOW)).unwrap_err().to_string();
            assert!(e.contains("--since"), "{s}: {e}");
        }
        assert!(timezone("Mars/Olympus").unwrap_err().to_string().contains("IANA name"));
        assert_eq!(timezone("europe/berlin").unwrap(), chrono_tz::Europe::Berlin);
    }
}

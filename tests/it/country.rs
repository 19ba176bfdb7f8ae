//! Support services by country, as a person sees them after `confide take --answers PROFILE
//! --no-save` with urgent flags: `--country`, `CONFIDE_COUNTRY` and the locale choose which
//! country's services follow the ones that work anywhere, and a therapist's own
//! `support.json` replaces the whole list.

use crate::common::{Home, profile, stderr, stdout, support_section};

/// Runs `take` on the unsafe profile (which raises urgent flags) with `env` and `args`, and
/// returns the support services part of the summary.
fn support_with(home: &Home, env: &[(&str, &str)], args: &[&str]) -> String {
    let mut cmd = home.cmd();
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd
        .args(args)
        .args(["take", "--no-save", "--answers"])
        .arg(profile("unsafe-communication"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    support_section(&stdout(&out))
}

fn support(env: &[(&str, &str)], args: &[&str]) -> String {
    support_with(&Home::new(), env, args)
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The region headings shown, in order.
fn regions(section: &str) -> Vec<String> {
    let known = [
        "Anywhere",
        "United States",
        "United Kingdom",
        "Ireland",
        "Canada",
        "Australia",
        "New Zealand",
    ];
    section
        .lines()
        .filter(|l| known.contains(l))
        .map(String::from)
        .collect()
}

const NOTE: &str =
    "run confide with --country CODE (for example --country GB), or set CONFIDE_COUNTRY.";

#[test]
fn gb_shows_samaritans_and_the_national_domestic_abuse_helpline_and_not_988() {
    let s = support(&[], &["--country", "GB"]);
    assert_eq!(regions(&s), ["Anywhere", "United Kingdom"], "{s}");
    let f = flat(&s);
    assert!(f.contains("- Samaritans: 116 123"), "{s}");
    assert!(
        f.contains("- National Domestic Abuse Helpline: 0808 2000 247"),
        "{s}"
    );
    assert!(
        f.contains("- Live Fear Free Helpline (Wales only): 0808 80 10 800"),
        "{s}"
    );
    assert!(f.contains("- Find A Helpline: findahelpline.com"), "{s}");
    assert!(!f.contains("988"), "{s}");
    assert!(!f.contains("--country CODE"), "no note with a country: {s}");
}

#[test]
fn uk_is_taken_as_gb_in_any_case() {
    let gb = support(&[], &["--country", "GB"]);
    assert_eq!(support(&[], &["--country", "uk"]), gb);
    assert_eq!(support(&[], &["--country", "gb"]), gb);
}

#[test]
fn ie_shows_samaritans_too() {
    let s = support(&[], &["--country", "ie"]);
    assert_eq!(regions(&s), ["Anywhere", "Ireland"], "{s}");
    let f = flat(&s);
    assert!(f.contains("- Samaritans: 116 123"), "{s}");
    assert!(
        f.contains("- National Rape Crisis Helpline: 1800 77 88 88"),
        "{s}"
    );
    assert!(!f.contains("0808 2000 247"), "{s}");
}

#[test]
fn an_unknown_country_shows_the_anywhere_group_and_how_to_choose() {
    let s = support(&[], &["--country", "ZZ"]);
    assert_eq!(regions(&s), ["Anywhere"], "{s}");
    let f = flat(&s);
    assert!(
        f.contains("- Emergency services: Your local emergency number"),
        "{s}"
    );
    assert!(f.contains("- Find A Helpline: findahelpline.com"), "{s}");
    assert!(
        f.contains("There are no services listed here for ZZ."),
        "{s}"
    );
    assert!(f.contains(NOTE), "{s}");
    assert!(
        f.contains("This list has services for US, GB, IE, CA, AU and NZ."),
        "{s}"
    );
    assert!(!f.contains("116 123") && !f.contains("988"), "{s}");
}

#[test]
fn a_locale_without_a_region_shows_the_anywhere_group_and_how_to_choose() {
    for lang in ["C", "POSIX", "C.UTF-8", "en"] {
        let s = support(&[("LANG", lang)], &[]);
        assert_eq!(regions(&s), ["Anywhere"], "{lang}: {s}");
        let f = flat(&s);
        assert!(
            f.contains(&format!("To see services for your country, {NOTE}")),
            "{lang}: {s}"
        );
    }
}

#[test]
fn the_locale_picks_the_country_when_none_is_given() {
    // Tests run with LANG=en_US.UTF-8.
    let s = support(&[], &[]);
    assert_eq!(regions(&s), ["Anywhere", "United States"], "{s}");
    assert!(flat(&s).contains("- 988 Suicide & Crisis Lifeline: Call or text 988"));

    let s = support(&[("LANG", "en_GB.UTF-8")], &[]);
    assert_eq!(regions(&s), ["Anywhere", "United Kingdom"], "{s}");
    assert!(flat(&s).contains("- Samaritans: 116 123"), "{s}");

    // LC_ALL, then LC_MESSAGES, then LANG: the first that is set and not empty.
    let s = support(
        &[
            ("LC_ALL", "en_IE.UTF-8"),
            ("LC_MESSAGES", "en_NZ.UTF-8"),
            ("LANG", "en_GB.UTF-8"),
        ],
        &[],
    );
    assert_eq!(regions(&s), ["Anywhere", "Ireland"], "{s}");
    let s = support(
        &[
            ("LC_ALL", ""),
            ("LC_MESSAGES", "en_NZ.UTF-8"),
            ("LANG", "en_GB.UTF-8"),
        ],
        &[],
    );
    assert_eq!(regions(&s), ["Anywhere", "New Zealand"], "{s}");
}

#[test]
fn confide_country_picks_the_country_and_beats_the_locale() {
    let s = support(&[("CONFIDE_COUNTRY", "au"), ("LANG", "en_GB.UTF-8")], &[]);
    assert_eq!(regions(&s), ["Anywhere", "Australia"], "{s}");
    let f = flat(&s);
    assert!(f.contains("- Lifeline: 13 11 14"), "{s}");
    assert!(f.contains("- 1800RESPECT: Call 1800 737 732"), "{s}");
    assert!(!f.contains("116 123"), "{s}");
}

#[test]
fn an_empty_confide_country_is_not_given() {
    let s = support(&[("CONFIDE_COUNTRY", ""), ("LANG", "en_GB.UTF-8")], &[]);
    assert_eq!(regions(&s), ["Anywhere", "United Kingdom"], "{s}");
}

#[test]
fn the_country_flag_beats_confide_country() {
    let s = support(&[("CONFIDE_COUNTRY", "au")], &["--country", "nz"]);
    assert_eq!(regions(&s), ["Anywhere", "New Zealand"], "{s}");
    // After the command as well as before it.
    let home = Home::new();
    let out = home
        .cmd()
        .env("CONFIDE_COUNTRY", "au")
        .args(["take", "--no-save", "--country", "ca", "--answers"])
        .arg(profile("unsafe-communication"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let s = support_section(&stdout(&out));
    assert_eq!(regions(&s), ["Anywhere", "Canada"], "{s}");
    assert!(
        flat(&s).contains("- VictimLinkBC (British Columbia and Yukon): 1-800-563-0808"),
        "{s}"
    );
}

#[test]
fn a_country_that_is_not_two_letters_is_a_usage_error_on_one_line() {
    for (env, args, shown) in [
        (vec![], vec!["--country", "1x"], "1x"),
        (vec![], vec!["--country", "GBR"], "GBR"),
        (
            vec![("CONFIDE_COUNTRY", "United Kingdom")],
            vec![],
            "United Kingdom",
        ),
    ] {
        let home = Home::new();
        let mut cmd = home.cmd();
        for (k, v) in &env {
            cmd.env(k, v);
        }
        let out = cmd
            .args(&args)
            .args(["take", "--no-save", "--answers"])
            .arg(profile("unsafe-communication"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(stdout(&out), "", "nothing is asked or shown");
        assert_eq!(
            stderr(&out),
            format!(
                "confide: error: `{shown}` is not a country code: give two letters, such as GB or US, with --country or CONFIDE_COUNTRY\n"
            )
        );
    }
}

#[test]
fn a_therapists_own_support_file_without_countries_still_replaces_the_list() {
    let home = Home::new();
    std::fs::create_dir_all(home.config()).unwrap();
    std::fs::write(
        home.config().join("support.json"),
        r#"{
  "format": "confide.resources/1",
  "intro": "Our practice is here for you.",
  "groups": [
    {
      "region": "Our practice",
      "entries": [
        {"name": "Front desk", "contact": "0100 000 000", "about": "Weekdays, nine to five."},
        {"name": "Duty therapist", "contact": "0100 000 001"}
      ]
    }
  ]
}
"#,
    )
    .unwrap();
    for args in [&[][..], &["--country", "GB"], &["--country", "ZZ"]] {
        let out = home
            .cmd()
            .args(args)
            .args(["take", "--no-save", "--answers"])
            .arg(profile("unsafe-communication"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(!stderr(&out).contains("ignoring"), "{}", stderr(&out));
        assert_eq!(
            support_section(&stdout(&out)),
            "Support you can reach now\n\
             Our practice is here for you.\n\
             \n\
             Our practice\n\
             - Front desk: 0100 000 000. Weekdays, nine to five.\n\
             - Duty therapist: 0100 000 001\n",
            "{args:?}"
        );
    }
}

#[test]
fn a_therapists_own_file_can_list_countries_too() {
    let home = Home::new();
    std::fs::create_dir_all(home.config()).unwrap();
    std::fs::write(
        home.config().join("support.json"),
        r#"{
  "format": "confide.resources/1",
  "intro": "Our practice is here for you.",
  "groups": [
    {"region": "Our practice", "entries": [{"name": "Front desk", "contact": "0100 000 000"}]},
    {"region": "Ireland", "country": "IE", "entries": [
      {"name": "Galway office", "contact": "091 000 000", "area": "Galway", "kinds": ["other"],
       "source": "https://example.org/galway", "checked": "2026-11-30"}
    ]}
  ]
}
"#,
    )
    .unwrap();
    let s = support_with(&home, &[], &["--country", "IE"]);
    assert!(s.contains("- Galway office (Galway): 091 000 000"), "{s}");
    let s = support_with(&home, &[], &["--country", "GB"]);
    assert!(!s.contains("Galway"), "{s}");
    assert!(
        flat(&s).contains(
            "There are no services listed here for GB. To see services for another country,"
        ),
        "{s}"
    );
    assert!(flat(&s).contains("This list has services for IE."), "{s}");
}

#[test]
fn show_lists_the_services_of_the_country_chosen_now() {
    const PASS: &str = "a long passphrase for tests";
    let home = Home::new();
    home.fast_key(PASS);
    let out = home
        .cmd()
        .args(["take", "--answers"])
        .arg(profile("unsafe-communication"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = home
        .cmd()
        .env("CONFIDE_PASSPHRASE", PASS)
        .args(["show", "--format", "markdown", "--country", "IE"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let md = stdout(&out);
    let ireland = &md[md.find("### Ireland").expect("an Ireland section")..];
    assert!(ireland.contains("- Samaritans: 116 123"), "{md}");
    assert!(!md.contains("United States"), "{md}");
}

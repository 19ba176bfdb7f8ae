//! Rules for scales and their bands.

use std::collections::{HashMap, HashSet};

use super::Validator;
use crate::model::problem::join;
use crate::model::questionnaire::{Band, Method, Scale};
use crate::model::range::{ScaleRange, is_whole};

const EPS: f64 = 1e-9;

impl Validator<'_> {
    pub(super) fn scales(&mut self) {
        let q = self.q;
        if q.scales.len() > self.limits.max_scales {
            self.problem(
                "/scales",
                format!(
                    "{} scales; the limit is {}",
                    q.scales.len(),
                    self.limits.max_scales
                ),
            );
            return;
        }
        let mut seen = HashMap::new();
        for (i, scale) in q.scales.iter().enumerate() {
            let base = join("/scales", i);
            self.id(&join(&base, "id"), &scale.id, "scale id");
            self.duplicate(&mut seen, &scale.id, &base, "scale id");
            self.text(&join(&base, "title"), &scale.title);
            let parts_ok = self.scale_parts(&base, i, scale);
            let n = scale.items.len() + scale.scales.len();
            if !scale.factor.is_finite() || scale.factor == 0.0 {
                self.problem(
                    join(&base, "factor"),
                    "factor must be a number other than 0",
                );
            }
            if let Some(m) = scale.min_answered {
                if m == 0 {
                    self.problem(
                        join(&base, "min_answered"),
                        "min_answered must be at least 1",
                    );
                } else if n > 0 && m > n {
                    self.problem(
                        join(&base, "min_answered"),
                        format!("min_answered is {m} but the scale has only {n} parts"),
                    );
                }
            }
            if scale.prorate && scale.method == Method::Mean {
                self.problem(
                    join(&base, "prorate"),
                    "prorate only applies to method `sum`: a mean is not changed by missing answers",
                );
            }
            let range = if parts_ok {
                self.ranges.get(i).copied().flatten()
            } else {
                None
            };
            self.bands(&base, scale, range);
            if let Some(norms) = &scale.norms {
                self.norms(&base, norms);
            }
        }
    }

    /// Checks the items or scales a scale combines; true when all are usable.
    fn scale_parts(&mut self, base: &str, index: usize, scale: &Scale) -> bool {
        let q = self.q;
        let mut ok = true;
        match (scale.items.is_empty(), scale.scales.is_empty()) {
            (true, true) => {
                self.problem(base, "the scale has no items");
                return false;
            }
            (false, false) => {
                self.problem(
                    base,
                    "a scale combines either `items` or `scales`, not both",
                );
                return false;
            }
            _ => {}
        }
        let mut seen = HashSet::new();
        for (k, id) in scale.items.iter().enumerate() {
            let p = join(&join(base, "items"), k);
            if !seen.insert(id) {
                self.problem(&p, format!("item `{id}` appears twice in the scale"));
                ok = false;
                continue;
            }
            match q.item(id) {
                None => {
                    self.problem(&p, format!("unknown item `{}`", super::truncate(id, 70)));
                    ok = false;
                }
                Some((_, item)) if !item.is_scorable() => {
                    self.problem(
                        &p,
                        format!(
                            "item `{id}` is a {} item and cannot be scored; scales use single_choice and number items",
                            item.kind()
                        ),
                    );
                    ok = false;
                }
                Some((_, item)) => {
                    if q.item_range(item).is_none() {
                        ok = false;
                    }
                }
            }
        }
        for (k, id) in scale.scales.iter().enumerate() {
            let p = join(&join(base, "scales"), k);
            if !seen.insert(id) {
                self.problem(&p, format!("scale `{id}` appears twice"));
                ok = false;
                continue;
            }
            match q.scale(id) {
                None => {
                    self.problem(&p, format!("unknown scale `{}`", super::truncate(id, 70)));
                    ok = false;
                }
                Some((j, _)) if j == index => {
                    self.problem(&p, "a scale cannot include itself");
                    ok = false;
                }
                Some((j, _)) if j > index => {
                    self.problem(
                        &p,
                        format!(
                            "scale `{id}` is defined later; a scale may combine only earlier scales"
                        ),
                    );
                    ok = false;
                }
                Some(_) => {}
            }
        }
        ok
    }

    fn bands(&mut self, base: &str, scale: &Scale, range: Option<ScaleRange>) {
        let bpath = join(base, "bands");
        if scale.bands.is_empty() {
            self.problem(&bpath, "a scale needs at least one band");
            return;
        }
        if scale.bands.len() > self.limits.max_bands {
            self.problem(
                &bpath,
                format!(
                    "{} bands; the limit is {}",
                    scale.bands.len(),
                    self.limits.max_bands
                ),
            );
            return;
        }
        let mut seen = HashMap::new();
        let mut ordered = true;
        for (b, band) in scale.bands.iter().enumerate() {
            let previous = b.checked_sub(1).map(|p| &scale.bands[p]);
            ordered &= self.band(&join(&bpath, b), band, previous, &mut seen);
        }
        let Some(range) = range else { return };
        if ordered {
            self.band_coverage(&bpath, &scale.bands, range);
            self.band_mins(&bpath, &scale.bands, range);
        }
    }

    /// One band on its own and after the one before it; false when the bands are not in
    /// ascending order up to it.
    fn band(
        &mut self,
        p: &str,
        band: &Band,
        previous: Option<&Band>,
        seen: &mut HashMap<String, String>,
    ) -> bool {
        self.id(&join(p, "id"), &band.id, "band id");
        self.duplicate(seen, &band.id, p, "band id");
        self.text(&join(p, "label"), &band.label);
        self.text(&join(p, "summary"), &band.summary);
        for (v, variant) in band.variants.iter().enumerate() {
            let vp = join(&join(p, "variants"), v);
            self.condition(&join(&vp, "when"), &variant.when, None);
            self.text(&join(&vp, "summary"), &variant.summary);
            self.tags(&join(&vp, "tags"), &variant.tags);
        }
        let mut ordered = true;
        if !band.max.is_finite() {
            self.problem(join(p, "max"), "max must be a finite number");
            ordered = false;
        }
        if let Some(prev) = previous
            && band.max <= prev.max
        {
            self.problem(
                join(p, "max"),
                format!(
                    "bands must ascend by max: `{}` ends at {} but the band before it ends at {}",
                    band.id, band.max, prev.max
                ),
            );
            ordered = false;
        }
        ordered
    }

    /// Ordered bands cover the whole range of the scale, and each can be reached.
    fn band_coverage(&mut self, bpath: &str, bands: &[Band], range: ScaleRange) {
        let (Some(first), Some(last)) = (bands.first(), bands.last()) else {
            return;
        };
        if first.max < range.min - EPS {
            self.problem(
                join(&join(bpath, 0), "max"),
                format!(
                    "band `{}` ends at {} but the scale's lowest value is {}, so it can never be reached",
                    first.id, first.max, range.min
                ),
            );
        }
        if last.max < range.max - EPS {
            self.problem(
                join(&join(bpath, bands.len() - 1), "max"),
                format!(
                    "the bands end at {} but the scale can reach {}; they must cover the whole range",
                    last.max, range.max
                ),
            );
        }
        for (b, band) in bands.iter().enumerate().skip(1) {
            if bands[b - 1].max >= range.max - EPS {
                self.problem(
                    join(bpath, b),
                    format!(
                        "band `{}` can never be reached: the bands before it already cover up to the scale's highest value, {}",
                        band.id, range.max
                    ),
                );
                break;
            }
        }
    }

    /// A band's optional `min` continues the band before it, on a scale of whole numbers.
    fn band_mins(&mut self, bpath: &str, bands: &[Band], range: ScaleRange) {
        for (b, band) in bands.iter().enumerate() {
            let Some(min) = band.min else { continue };
            let p = join(&join(bpath, b), "min");
            if !range.integral {
                self.problem(
                    &p,
                    "this scale can take fractional values, so its bands are defined by `max` alone; remove `min`",
                );
                continue;
            }
            let expected = if b == 0 {
                range.min
            } else {
                bands[b - 1].max + 1.0
            };
            if !is_whole(min) || (min - expected).abs() > EPS {
                let why = if b == 0 {
                    format!("the first band must start at the scale's lowest value, {expected}")
                } else if min > expected {
                    format!(
                        "there is a gap: the band before ends at {}, so this one must start at {expected}",
                        bands[b - 1].max
                    )
                } else {
                    format!(
                        "it overlaps the band before, which ends at {}; start at {expected}",
                        bands[b - 1].max
                    )
                };
                self.problem(&p, format!("min is {min}, but {why}"));
            } else if min > band.max {
                self.problem(
                    &p,
                    format!("min ({min}) is greater than max ({})", band.max),
                );
            }
        }
    }
}

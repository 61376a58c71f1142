//! Likelihood in the words of ICD 203.
//!
//! A likelihood is stored as an integer number of ten-thousandths so that it
//! is exact, totally ordered and cheap to copy: the engine takes minima along
//! a derivation and maxima across derivations, and nothing else. A word stands
//! for the lower end of its band, so a number maps back to the same word
//! (ranges share their end points; a value on a boundary takes the higher
//! word).

use std::fmt;

/// A likelihood in (0, 1], in units of 1/10,000.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Likelihood(u16);

/// The seven ICD 203 terms (row 1), the accepted synonyms (row 2), and the
/// lower end of each band in ten-thousandths.
const BANDS: [(&str, &[&str], u16); 7] = [
    ("almost no chance", &["remote"], 100),
    ("very unlikely", &["highly improbable"], 500),
    ("unlikely", &["improbable"], 2000),
    ("roughly even chance", &["roughly even odds"], 4500),
    ("likely", &["probable", "probably"], 5500),
    ("very likely", &["highly probable"], 8000),
    (
        "almost certain",
        &["almost certainly", "nearly certain"],
        9500,
    ),
];

impl Likelihood {
    /// Facts without a qualifier are certain.
    pub const CERTAIN: Likelihood = Likelihood(10_000);
    pub const SCALE: u16 = 10_000;

    /// From a probability in (0, 1]; `None` outside that range.
    pub fn from_probability(p: f64) -> Option<Likelihood> {
        if !(p > 0.0 && p <= 1.0) {
            return None;
        }
        // At least one ten-thousandth: a positive probability never rounds to zero.
        let units = (p * f64::from(Self::SCALE)).round().max(1.0);
        Some(Likelihood(units as u16))
    }

    /// From an ICD 203 word (either row, case-insensitive, spaces folded).
    pub fn from_word(word: &str) -> Option<Likelihood> {
        let folded = fold(word);
        BANDS
            .iter()
            .find(|(w, syn, _)| *w == folded || syn.contains(&folded.as_str()))
            .map(|&(_, _, low)| Likelihood(low))
    }

    /// Every accepted word, for did-you-mean suggestions.
    pub fn all_words() -> impl Iterator<Item = &'static str> {
        BANDS
            .iter()
            .flat_map(|(w, syn, _)| std::iter::once(*w).chain(syn.iter().copied()))
    }

    /// The ICD 203 word (row 1) of the band this value falls in.
    pub fn word(self) -> &'static str {
        BANDS
            .iter()
            .rev()
            .find(|&&(_, _, low)| self.0 >= low)
            .map_or(BANDS[0].0, |(w, _, _)| w)
    }

    pub fn probability(self) -> f64 {
        f64::from(self.0) / f64::from(Self::SCALE)
    }

    pub fn units(self) -> u16 {
        self.0
    }

    /// The cap an exception of this likelihood puts on a conclusion: the
    /// necessity of its absence, 1 − p; `None` for a certain exception,
    /// which removes the conclusion instead.
    pub fn exception_cap(self) -> Option<Likelihood> {
        Likelihood::from_units(Self::SCALE - self.0)
    }

    pub fn from_units(units: u16) -> Option<Likelihood> {
        (1..=Self::SCALE)
            .contains(&units)
            .then_some(Likelihood(units))
    }
}

fn fold(word: &str) -> String {
    word.split_whitespace()
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `likely (0.55)`: the word and the number, as every output prints them.
impl fmt::Display for Likelihood {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({:.2})", self.word(), self.probability())
    }
}

impl serde::Serialize for Likelihood {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Likelihood", 2)?;
        st.serialize_field("word", self.word())?;
        st.serialize_field("probability", &self.probability())?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip() {
        for (w, _, _) in BANDS {
            assert_eq!(Likelihood::from_word(w).unwrap().word(), w);
        }
    }

    #[test]
    fn boundaries_take_the_higher_word() {
        let at = |p| Likelihood::from_probability(p).unwrap().word();
        assert_eq!(at(0.55), "likely");
        assert_eq!(at(0.5499), "roughly even chance");
        assert_eq!(at(0.80), "very likely");
        assert_eq!(at(0.95), "almost certain");
        assert_eq!(at(1.0), "almost certain");
        assert_eq!(at(0.001), "almost no chance");
        assert_eq!(at(0.05), "very unlikely");
    }

    #[test]
    fn synonyms_and_spacing() {
        assert_eq!(
            Likelihood::from_word("Highly   probable"),
            Likelihood::from_word("very likely")
        );
        assert_eq!(Likelihood::from_word("probable").unwrap().word(), "likely");
        assert!(Likelihood::from_word("certainish").is_none());
    }

    #[test]
    fn an_unlikely_exception_caps_at_very_likely() {
        let unlikely = Likelihood::from_word("unlikely").unwrap();
        assert_eq!(unlikely.exception_cap().unwrap().word(), "very likely");
        assert_eq!(Likelihood::CERTAIN.exception_cap(), None);
    }

    #[test]
    fn probability_range() {
        assert!(Likelihood::from_probability(0.0).is_none());
        assert!(Likelihood::from_probability(1.01).is_none());
        assert!(Likelihood::from_probability(f64::NAN).is_none());
        assert_eq!(Likelihood::from_probability(0.00001).unwrap().units(), 1);
        assert_eq!(Likelihood::CERTAIN.to_string(), "almost certain (1.00)");
    }
}

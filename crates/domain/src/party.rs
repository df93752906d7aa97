//! Applicants (申请人): a person identified by a 居民身份证号 (GB 11643) or an
//! enterprise identified by a 统一社会信用代码 (GB 32100-2015). Both numbers are
//! parsed once at the boundary; a bad one is refused saying what and where.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why an identifier was refused. Positions count from 1, as people do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// Wrong number of characters.
    #[error("{kind}应为 {expected} 位，实际为 {actual} 位")]
    Length {
        /// 统一社会信用代码 or 居民身份证号.
        kind: &'static str,
        /// The required length.
        expected: usize,
        /// The length given.
        actual: usize,
    },
    /// A character not allowed at that position.
    #[error("{kind}第 {position} 位“{found}”无效：{allowed}")]
    Character {
        /// 统一社会信用代码 or 居民身份证号.
        kind: &'static str,
        /// 1-based position.
        position: usize,
        /// The character found.
        found: char,
        /// What is allowed there.
        allowed: &'static str,
    },
    /// The last character does not match the check computed from the rest.
    #[error("{kind}校验位错误：第 {position} 位应为“{expected}”，实际为“{found}”")]
    Check {
        /// 统一社会信用代码 or 居民身份证号.
        kind: &'static str,
        /// 1-based position of the check character.
        position: usize,
        /// The check character the rest implies.
        expected: char,
        /// The one given.
        found: char,
    },
    /// The birth date inside an ID number is not a real date.
    #[error("居民身份证号第 7–14 位的出生日期“{0}”不是有效日期")]
    BirthDate(String),
}

impl IdError {
    /// The stable code the API returns: `invalid_credit_code` or `invalid_id_number`.
    pub fn code(&self) -> crate::ErrorCode {
        match self {
            IdError::Length { kind, .. }
            | IdError::Character { kind, .. }
            | IdError::Check { kind, .. }
                if *kind == CREDIT_KIND =>
            {
                crate::ErrorCode::InvalidCreditCode
            }
            _ => crate::ErrorCode::InvalidIdNumber,
        }
    }
}

const CREDIT_KIND: &str = "统一社会信用代码";
const ID_KIND: &str = "居民身份证号";

/// The 31 characters GB 32100-2015 uses (no I, O, S, V, Z).
const CREDIT_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A 统一社会信用代码: 18 characters whose last is a check character (GB 32100-2015).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CreditCode(String);

impl CreditCode {
    /// Parses a credit code; lower-case letters and surrounding spaces are accepted.
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let s: String = s.trim().to_ascii_uppercase();
        let chars: Vec<char> = s.chars().collect();
        if chars.len() != 18 {
            return Err(IdError::Length {
                kind: CREDIT_KIND,
                expected: 18,
                actual: chars.len(),
            });
        }
        let bad = |i: usize, allowed| IdError::Character {
            kind: CREDIT_KIND,
            position: i + 1,
            found: chars[i],
            allowed,
        };
        if !"123456789ABCDEFGNY".contains(chars[0]) {
            return Err(bad(0, "登记管理部门代码应为 1–9、A–G、N 或 Y"));
        }
        if !"123456789ABCDEFGHJKLMNPQRTUWXY".contains(chars[1]) {
            return Err(bad(
                1,
                "机构类别代码应为 1–9 或大写字母（不含 I、O、S、V、Z）",
            ));
        }
        if let Some(i) = (2..8).find(|&i| !chars[i].is_ascii_digit()) {
            return Err(bad(i, "登记管理机关行政区划码应为数字"));
        }
        let mut sum = 0;
        for (i, (c, w)) in chars.iter().zip(CREDIT_WEIGHTS).enumerate() {
            let v = CREDIT_CHARS
                .find(*c)
                .ok_or_else(|| bad(i, "只能是数字或大写字母（不含 I、O、S、V、Z）"))?;
            sum += u32::try_from(v).unwrap_or(0) * w;
        }
        let check = (31 - sum % 31) % 31;
        let expected = CREDIT_CHARS.chars().nth(check as usize).unwrap_or('0');
        if chars[17] != expected {
            if !CREDIT_CHARS.contains(chars[17]) {
                return Err(bad(17, "只能是数字或大写字母（不含 I、O、S、V、Z）"));
            }
            return Err(IdError::Check {
                kind: CREDIT_KIND,
                position: 18,
                expected,
                found: chars[17],
            });
        }
        Ok(Self(s))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// The GB 11643 check character for the first 17 digits of an ID number,
/// or `None` when they are not 17 digits.
pub fn id_check_char(first17: &str) -> Option<char> {
    let digits: Vec<u32> = first17
        .chars()
        .map(|c| c.to_digit(10))
        .collect::<Option<_>>()?;
    if digits.len() != 17 {
        return None;
    }
    let sum: u32 = digits.iter().zip(ID_WEIGHTS).map(|(d, w)| d * w).sum();
    Some(['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize])
}

/// The GB 32100-2015 check character for the first 17 characters of a
/// credit code, or `None` when one is outside the code's alphabet.
pub fn credit_check_char(first17: &str) -> Option<char> {
    let chars: Vec<char> = first17.chars().collect();
    if chars.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in chars.iter().zip(CREDIT_WEIGHTS) {
        sum += u32::try_from(CREDIT_CHARS.find(*c)?).ok()? * w;
    }
    CREDIT_CHARS.chars().nth(((31 - sum % 31) % 31) as usize)
}

/// A 居民身份证号: 18 characters, 17 digits and a check digit or X (GB 11643).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdNumber(String);

impl IdNumber {
    /// Parses an ID number; a lower-case x is accepted.
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let s: String = s.trim().to_ascii_uppercase();
        let chars: Vec<char> = s.chars().collect();
        if chars.len() != 18 {
            return Err(IdError::Length {
                kind: ID_KIND,
                expected: 18,
                actual: chars.len(),
            });
        }
        let mut sum = 0;
        for (i, (c, w)) in chars.iter().zip(ID_WEIGHTS).enumerate() {
            let d = c.to_digit(10).ok_or(IdError::Character {
                kind: ID_KIND,
                position: i + 1,
                found: *c,
                allowed: "前 17 位只能是数字",
            })?;
            sum += d * w;
        }
        let birth: String = chars[6..14].iter().collect();
        if NaiveDate::parse_from_str(&birth, "%Y%m%d").is_err() {
            return Err(IdError::BirthDate(birth));
        }
        let expected = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize];
        if chars[17] != expected {
            if !(chars[17].is_ascii_digit() || chars[17] == 'X') {
                return Err(IdError::Character {
                    kind: ID_KIND,
                    position: 18,
                    found: chars[17],
                    allowed: "校验位只能是数字或 X",
                });
            }
            return Err(IdError::Check {
                kind: ID_KIND,
                position: 18,
                expected,
                found: chars[17],
            });
        }
        Ok(Self(s))
    }

    /// The number as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The last four characters, used with a receipt number to look a case up.
    pub fn last_four(&self) -> &str {
        &self.0[14..]
    }

    /// The number with the middle hidden, as pages show it: 110105********002X.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }
}

/// Shows only the masked form, so an ID number never lands whole in a log.
impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

macro_rules! string_conversions {
    ($t:ty) => {
        impl TryFrom<String> for $t {
            type Error = IdError;
            fn try_from(s: String) -> Result<Self, IdError> {
                Self::parse(&s)
            }
        }
        impl From<$t> for String {
            fn from(v: $t) -> String {
                v.0
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}
string_conversions!(CreditCode);
string_conversions!(IdNumber);

/// A phone number as onewindow keeps it: a mobile number (11 digits from 1,
/// an optional +86 or 86 in front) or a landline with its area code (0 and
/// 9 to 11 more digits). Spaces and hyphens are dropped. Registration, the
/// hotline and Open311 read phone numbers through it alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    /// Reads a phone number, or says in Chinese why it is not one.
    pub fn parse(s: &str) -> Result<Phone, &'static str> {
        let digits: String = s
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        let digits = digits
            .strip_prefix("+86")
            .or_else(|| digits.strip_prefix("86").filter(|d| d.len() == 11))
            .unwrap_or(&digits);
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err("电话号码只能包含数字（可带区号和“-”）");
        }
        let mobile = digits.len() == 11 && digits.starts_with('1');
        let landline = digits.starts_with('0') && (10..=12).contains(&digits.len());
        if mobile || landline {
            Ok(Phone(digits.to_owned()))
        } else {
            Err("请填写 11 位手机号码，或带区号的固定电话（如 0535-5212345）")
        }
    }

    /// A mobile number (one that takes a text message).
    pub fn is_mobile(&self) -> bool {
        self.0.starts_with('1')
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_are_read_alike_everywhere() {
        let ok = |s: &str| Phone::parse(s).map(|p| (p.as_str().to_owned(), p.is_mobile()));
        assert_eq!(ok("139 0000 0000"), Ok(("13900000000".into(), true)));
        assert_eq!(ok("+86 13900000000"), Ok(("13900000000".into(), true)));
        assert_eq!(ok("0535-5212345"), Ok(("05355212345".into(), false)));
        assert!(ok("123").is_err());
        assert!(ok("1390000000x").is_err());
        assert!(ok("23900000000").is_err(), "a mobile starts with 1");
    }

    #[test]
    fn valid_numbers_parse() {
        assert!(CreditCode::parse("91350100M000100Y43").is_ok());
        assert!(
            CreditCode::parse(" 91350100m000100y43 ").is_ok(),
            "lower case and spaces are accepted"
        );
        assert!(IdNumber::parse("11010519491231002X").is_ok());
        assert!(IdNumber::parse("11010519491231002x").is_ok());
    }

    #[test]
    fn bad_numbers_say_what_and_where() {
        assert_eq!(
            CreditCode::parse("91350100M000100Y44"),
            Err(IdError::Check {
                kind: CREDIT_KIND,
                position: 18,
                expected: '3',
                found: '4'
            })
        );
        assert!(matches!(
            CreditCode::parse("91350100O000100Y43"),
            Err(IdError::Character {
                position: 9,
                found: 'O',
                ..
            })
        ));
        assert!(matches!(
            CreditCode::parse("9135"),
            Err(IdError::Length { actual: 4, .. })
        ));
        assert!(matches!(
            CreditCode::parse("9135010AM000100Y43"),
            Err(IdError::Character { position: 8, .. })
        ));
        assert_eq!(
            IdNumber::parse("110105194912310021"),
            Err(IdError::Check {
                kind: ID_KIND,
                position: 18,
                expected: 'X',
                found: '1'
            })
        );
        assert_eq!(
            IdNumber::parse("110105194902300021"),
            Err(IdError::BirthDate("19490230".into()))
        );
        assert!(matches!(
            IdNumber::parse("1101051949123100AX"),
            Err(IdError::Character { position: 17, .. })
        ));
        let msg = CreditCode::parse("91350100M000100Y44")
            .unwrap_err()
            .to_string();
        assert!(msg.contains("第 18 位") && msg.contains("3"), "{msg}");
    }

    #[test]
    fn id_numbers_are_masked_in_debug() {
        let id = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(format!("{id:?}"), "IdNumber(110105********002X)");
        assert_eq!(id.last_four(), "002X");
    }
}

#[cfg(test)]
mod check_char_tests {
    use super::*;

    #[test]
    fn check_characters_complete_valid_numbers() {
        assert_eq!(id_check_char("11010519491231002"), Some('X'));
        assert_eq!(credit_check_char("91350100M000100Y4"), Some('3'));
        assert_eq!(id_check_char("1101051949123100"), None);
        assert_eq!(
            credit_check_char("91350100M000100YI"),
            None,
            "I is not in the alphabet"
        );
    }
}

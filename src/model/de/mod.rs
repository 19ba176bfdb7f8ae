//! Reading parsed JSON into the strict types of the formats, with errors in the words of the
//! format.
//!
//! serde's own messages speak of Rust (`i64`, `map`, `struct Scale`, `unknown variant`).
//! This deserializer knows which JSON type each Rust type asks for (a `deserialize_u8` asks
//! for a whole number from 0 to 255) and refuses anything else itself, and it keeps serde's
//! structured error calls (a missing field, an unknown field or value) as data. A message is
//! written only when the error is shown, so that it can leave out private text.

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer as _, EnumAccess, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};
use serde_json::{Map, Number, Value};

mod error;
#[cfg(test)]
mod tests;

pub(crate) use error::{Error, Found, one_of};

use super::problem::join;
use super::validate::truncate;

/// Longest value or name quoted in a message: a hostile file can make them as long as it
/// likes.
const QUOTED_CHARS: usize = 40;

/// A JSON value read into `T`, or the first thing wrong with it and its place.
pub(crate) fn from_value<T: DeserializeOwned>(value: &Value) -> Result<T, Misread> {
    serde_path_to_error::deserialize::<_, T>(Reader(value)).map_err(|e| {
        let mut path = String::new();
        for segment in e.path().iter() {
            use serde_path_to_error::Segment;
            match segment {
                Segment::Seq { index } => path = join(&path, index),
                Segment::Map { key } => path = join(&path, key),
                Segment::Enum { .. } | Segment::Unknown => {}
            }
        }
        Misread {
            path,
            error: e.into_inner(),
        }
    })
}

/// Where a value did not fit its type, and why.
#[derive(Debug)]
pub(crate) struct Misread {
    /// A JSON pointer, empty for the whole value.
    pub(crate) path: String,
    pub(crate) error: Error,
}

/// The whole numbers from `min` to `max`, in words.
fn whole_number(min: i128, max: i128) -> String {
    if min <= i128::from(i64::MIN) {
        "a whole number".into()
    } else if min == 0 && max >= i128::from(u64::MAX) {
        "a whole number of zero or more".into()
    } else {
        format!("a whole number from {min} to {max}")
    }
}

/// A number given to a visitor as JSON holds it.
fn visit_number<'de, V: Visitor<'de>>(n: &Number, visitor: V) -> Result<V::Value, Error> {
    if let Some(u) = n.as_u64() {
        visitor.visit_u64(u)
    } else if let Some(i) = n.as_i64() {
        visitor.visit_i64(i)
    } else {
        visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN))
    }
}

/// A whole number within `min..=max`, given to the visitor; anything else is refused here,
/// in words, before the visitor sees it.
fn visit_whole<'de, V: Visitor<'de>>(
    value: &Value,
    min: i128,
    max: i128,
    visitor: V,
) -> Result<V::Value, Error> {
    let Value::Number(n) = value else {
        return Err(Error::wrong(value, whole_number(min, max)));
    };
    let fits = if let Some(u) = n.as_u64() {
        i128::from(u) <= max
    } else if let Some(i) = n.as_i64() {
        i128::from(i) >= min
    } else {
        return Err(Error::wrong(value, whole_number(min, max)));
    };
    if fits {
        visit_number(n, visitor)
    } else {
        Err(Error::InvalidValue {
            found: Found::of(value),
            expected: whole_number(min, max),
        })
    }
}

fn visit_array<'de, V: Visitor<'de>>(list: &'de [Value], visitor: V) -> Result<V::Value, Error> {
    let mut access = Elements(list.iter());
    let out = visitor.visit_seq(&mut access)?;
    match access.0.len() {
        0 => Ok(out),
        _ => Err(Error::Length {
            len: list.len(),
            expected: "fewer entries".into(),
        }),
    }
}

fn visit_object<'de, V: Visitor<'de>>(
    object: &'de Map<String, Value>,
    visitor: V,
) -> Result<V::Value, Error> {
    let mut access = Entries {
        entries: object.iter(),
        value: None,
    };
    let out = visitor.visit_map(&mut access)?;
    match access.entries.len() {
        0 => Ok(out),
        _ => Err(Error::Length {
            len: object.len(),
            expected: "fewer entries".into(),
        }),
    }
}

/// The deserializer over one JSON value.
struct Reader<'de>(&'de Value);

/// `deserialize_i8` to `deserialize_u64`: a whole number within the range of the type.
macro_rules! whole {
    ($($method:ident: $t:ty),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
                visit_whole(self.0, i128::from(<$t>::MIN), i128::from(<$t>::MAX), visitor)
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for Reader<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => visit_number(n, visitor),
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(list) => visit_array(list, visitor),
            Value::Object(object) => visit_object(object, visitor),
        }
    }

    whole! {
        deserialize_i8: i8, deserialize_i16: i16, deserialize_i32: i32, deserialize_i64: i64,
        deserialize_u8: u8, deserialize_u16: u16, deserialize_u32: u32, deserialize_u64: u64,
    }

    /// A JSON number here holds at most 64 bits.
    fn deserialize_i128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Number(n) if n.is_u64() => self.deserialize_u64(visitor),
            _ => self.deserialize_i64(visitor),
        }
    }

    fn deserialize_u128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Number(n) => visit_number(n, visitor),
            other => Err(Error::wrong(other, "a number")),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Bool(b) => visitor.visit_bool(*b),
            other => Err(Error::wrong(other, "a boolean")),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::String(s) => visitor.visit_borrowed_str(s),
            other => Err(Error::wrong(other, "a string")),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(list) => visit_array(list, visitor),
            other => Err(Error::wrong(other, "a string")),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            other => Err(Error::wrong(other, "null")),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Array(list) => visit_array(list, visitor),
            other => Err(Error::wrong(other, "an array")),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Object(object) => visit_object(object, visitor),
            other => Err(Error::wrong(other, "an object")),
        }
    }

    /// Every struct of the formats is a JSON object (never an array of its fields).
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    /// A choice is a string (`"sum"`) or an object with one key (`{"all": [...]}`).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::String(name) => visitor.visit_enum(Choice { name, value: None }),
            Value::Object(object) => match (object.len(), object.iter().next()) {
                (1, Some((name, value))) => visitor.visit_enum(Choice {
                    name,
                    value: Some(value),
                }),
                _ => Err(Error::InvalidValue {
                    found: Found::Object,
                    expected: format!("an object with one key, {}", one_of(variants)),
                }),
            },
            other => Err(Error::wrong(other, one_of(variants))),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}

/// The elements of an array.
struct Elements<'de>(std::slice::Iter<'de, Value>);

impl<'de> SeqAccess<'de> for Elements<'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.0
            .next()
            .map(|value| seed.deserialize(Reader(value)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// The entries of an object.
struct Entries<'de> {
    entries: serde_json::map::Iter<'de>,
    value: Option<&'de Value>,
}

impl<'de> MapAccess<'de> for Entries<'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        seed.deserialize(BorrowedStrDeserializer::new(key))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match self.value.take() {
            Some(value) => seed.deserialize(Reader(value)),
            None => Err(Error::Custom("a value was read before its key".into())),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// One choice of an enum: its name, and its content when written as `{"name": content}`.
struct Choice<'de> {
    name: &'de str,
    value: Option<&'de Value>,
}

impl<'de> EnumAccess<'de> for Choice<'de> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), Error> {
        let name = seed.deserialize(BorrowedStrDeserializer::new(self.name))?;
        Ok((name, self))
    }
}

impl<'de> VariantAccess<'de> for Choice<'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        match self.value {
            None | Some(Value::Null) => Ok(()),
            Some(other) => Err(Error::wrong(other, format!("just `{}`", self.name))),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        match self.value {
            Some(value) => seed.deserialize(Reader(value)),
            None => Err(self.needs_content()),
        }
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Some(value) => Reader(value).deserialize_seq(visitor),
            None => Err(self.needs_content()),
        }
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.value {
            Some(value) => Reader(value).deserialize_map(visitor),
            None => Err(self.needs_content()),
        }
    }
}

impl Choice<'_> {
    /// `"all"` where `{"all": [...]}` was meant.
    fn needs_content(&self) -> Error {
        Error::WrongType {
            found: Found::Text(truncate(self.name, QUOTED_CHARS)),
            expected: format!("an object with the key `{}`", self.name),
        }
    }
}

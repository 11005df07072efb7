//! A small JSON Schema checker for `docs/report.schema.json`, shared by the hostile-input and
//! property tests. It covers the keywords the schema uses (type, required, properties, items,
//! enum, const, oneOf, $ref, minItems, maxItems, minimum); `pattern` is not checked, to keep the
//! tests free of a regex or JSON Schema dependency.

use serde_json::Value;

/// The report schema, parsed once per test binary.
pub fn schema() -> &'static Value {
    static S: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    S.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/report.schema.json");
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
    })
}

/// Every way `value` breaks the report schema, as `path: problem`.
pub fn violations(value: &Value) -> Vec<String> {
    check(schema(), schema(), value, "")
}

/// Checks `value` against `schema`, whose `$ref`s point into `root`.
fn check(root: &Value, schema: &Value, value: &Value, path: &str) -> Vec<String> {
    let mut errors = Vec::new();
    // An explicit work list rather than recursion: nested reports can be deep in principle.
    // (`oneOf` options recurse once per level of the schema, not of the value.)
    let mut work: Vec<(&Value, &Value, String)> = vec![(schema, value, path.to_string())];
    while let Some((schema, value, path)) = work.pop() {
        let schema = resolve(root, schema);
        if let Some(t) = schema.get("type") {
            let ok = match t {
                Value::String(t) => has_type(value, t),
                Value::Array(ts) => ts
                    .iter()
                    .filter_map(Value::as_str)
                    .any(|t| has_type(value, t)),
                _ => true,
            };
            if !ok {
                errors.push(format!("{path}: {value} is not of type {t}"));
                continue;
            }
        }
        if let Some(c) = schema.get("const")
            && c != value
        {
            errors.push(format!("{path}: {value} is not {c}"));
        }
        if let Some(Value::Array(options)) = schema.get("enum")
            && !options.contains(value)
        {
            errors.push(format!("{path}: {value} is not one of {options:?}"));
        }
        if let Some(Value::Array(options)) = schema.get("oneOf") {
            let matching = options
                .iter()
                .filter(|o| check(root, o, value, &path).is_empty())
                .count();
            if matching != 1 {
                errors.push(format!("{path}: matches {matching} of the oneOf options"));
            }
        }
        if let (Some(min), Some(n)) = (
            schema.get("minimum").and_then(Value::as_f64),
            value.as_f64(),
        ) && n < min
        {
            errors.push(format!("{path}: {n} < {min}"));
        }
        if let Value::Object(map) = value {
            if let Some(Value::Array(required)) = schema.get("required") {
                for r in required.iter().filter_map(Value::as_str) {
                    if !map.contains_key(r) {
                        errors.push(format!("{path}: missing {r}"));
                    }
                }
            }
            if let Some(Value::Object(props)) = schema.get("properties") {
                for (k, sub) in props {
                    if let Some(v) = map.get(k) {
                        work.push((sub, v, format!("{path}/{k}")));
                    }
                }
            }
        }
        if let Value::Array(items) = value {
            let n = items.len() as u64;
            if schema
                .get("minItems")
                .and_then(Value::as_u64)
                .is_some_and(|m| n < m)
            {
                errors.push(format!("{path}: fewer than minItems"));
            }
            if schema
                .get("maxItems")
                .and_then(Value::as_u64)
                .is_some_and(|m| n > m)
            {
                errors.push(format!("{path}: more than maxItems"));
            }
            if let Some(sub) = schema.get("items") {
                for (i, v) in items.iter().enumerate() {
                    work.push((sub, v, format!("{path}/{i}")));
                }
            }
        }
    }
    errors
}

fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    let mut s = schema;
    for _ in 0..16 {
        match s.get("$ref").and_then(Value::as_str) {
            Some("#") => s = root,
            Some(r) => match r
                .strip_prefix("#/$defs/")
                .and_then(|name| root.get("$defs")?.get(name))
            {
                Some(target) => s = target,
                None => break,
            },
            None => break,
        }
    }
    s
}

fn has_type(value: &Value, t: &str) -> bool {
    match t {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        _ => true,
    }
}

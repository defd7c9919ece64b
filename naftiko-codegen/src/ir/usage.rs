//! What each consumed API's generated client reads, decided once the capability is lowered: the
//! secrets its `Auth` holds, whether its requests (and not only its constructor) read them, and which
//! operations read their caller's parameters. The client emitter declares exactly these, so a generated
//! crate has no unused field, argument or secret.

use std::collections::BTreeSet;

use super::model::*;

/// How deep fixed parameters may name each other (`a: "{{b}}"`, `b: "{{c}}"`) before expansion stops:
/// a cycle renders nothing past this depth.
pub const MAX_TEMPLATE_DEPTH: usize = 8;

/// Fills [`Consumed::secrets_read`], [`Consumed::requests_read_secrets`] and [`ConsumedOp::reads_params`].
pub fn analyze(consumed: &mut Consumed) {
    let mut construct = Reads::default();
    match &consumed.auth {
        Some(ClientAuth::ApiKey { value, .. }) => construct.template(None, value, 0),
        Some(ClientAuth::Bearer { token }) => construct.template(None, token, 0),
        Some(ClientAuth::Basic { username, password } | ClientAuth::Digest { username, password }) => {
            construct.template(None, username, 0);
            construct.template(None, password, 0);
        }
        None => {}
    }
    if let BaseUri::Templated { template } = &consumed.base_uri {
        construct.template(None, template, 0);
    }
    let mut requests = Reads::default();
    for fixed in &consumed.fixed {
        requests.template(None, &fixed.value, 0);
    }
    for op in &mut consumed.operations {
        let mut reads = Reads::default();
        reads.operation(op);
        op.reads_params = reads.params;
        requests.secrets.extend(reads.secrets);
    }
    consumed.requests_read_secrets = !requests.secrets.is_empty();
    consumed.secrets_read = construct.secrets.into_iter().chain(requests.secrets).collect();
}

/// The secrets and whether any caller parameter one piece of generated code reads.
#[derive(Default)]
struct Reads {
    secrets: BTreeSet<String>,
    params: bool,
}

impl Reads {
    /// Everything one client method reads: its path, parameters and body.
    fn operation(&mut self, op: &ConsumedOp) {
        for part in &op.path {
            if let PathPart::Param(i) = part {
                self.param(op, *i, 0);
            }
        }
        for (i, p) in op.params.iter().enumerate() {
            if matches!(p.location, ParamLocation::Query | ParamLocation::Header | ParamLocation::Cookie) {
                self.param(op, i, 0);
            }
        }
        match &op.body {
            RequestBody::None => {}
            RequestBody::Whole { param } => self.param(op, *param, 0),
            RequestBody::Fields { params } => params.iter().for_each(|&i| self.param(op, i, 0)),
            RequestBody::Template { template, .. } => self.body(op, template),
        }
    }

    fn body(&mut self, op: &ConsumedOp, template: &BodyTemplate) {
        match template {
            BodyTemplate::Json(_) => {}
            BodyTemplate::Param(i) => self.param(op, *i, 0),
            BodyTemplate::Text(t) => self.template(Some(op), t, 0),
            BodyTemplate::RawJson(parts) => {
                for part in parts {
                    match part {
                        RawJsonPart::Text(_) => {}
                        RawJsonPart::InString(p) | RawJsonPart::Bare(p) => self.part(Some(op), p, 0),
                    }
                }
            }
            BodyTemplate::Array(items) => items.iter().for_each(|item| self.body(op, item)),
            BodyTemplate::Object(members) => members.iter().for_each(|(_, member)| self.body(op, member)),
        }
    }

    /// Parameter `i` of `op`: the caller's field, or what its fixed value reads.
    fn param(&mut self, op: &ConsumedOp, i: usize, depth: usize) {
        match op.params.get(i).map(|p| &p.fixed) {
            Some(None) => self.params = true,
            Some(Some(fixed)) => self.template(Some(op), fixed, depth + 1),
            None => {}
        }
    }

    /// A template; `op` is `None` outside an operation (constructor, adapter-level parameters), where
    /// parameters are not in scope.
    fn template(&mut self, op: Option<&ConsumedOp>, template: &Template, depth: usize) {
        for part in &template.parts {
            self.part(op, part, depth);
        }
    }

    fn part(&mut self, op: Option<&ConsumedOp>, part: &TemplatePart, depth: usize) {
        match part {
            TemplatePart::Secret(var) => {
                self.secrets.insert(var.clone());
            }
            TemplatePart::Param(i) => match op.and_then(|op| op.params.get(*i)).map(|p| &p.fixed) {
                Some(None) => self.params = true,
                Some(Some(fixed)) if depth < MAX_TEMPLATE_DEPTH => self.template(op, fixed, depth + 1),
                _ => {}
            },
            TemplatePart::Literal(_) | TemplatePart::Step(_) => {}
        }
    }
}

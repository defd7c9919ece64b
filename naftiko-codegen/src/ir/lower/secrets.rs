//! Secrets: bind variables named in `{{…}}`, each registered once with where its value comes from.

use crate::ir::ident;
use crate::ir::model::*;
use crate::ir::template::{self, Piece};
use crate::source::{Span, Spanned};

use super::{Lowering, ScopeKind};

impl Lowering<'_> {
    /// Registers a secret variable and returns its name.
    pub(super) fn secret(&mut self, var: &str, span: Span) -> String {
        if !self.secrets.iter().any(|s| s.var == var) {
            let declared = self.binds.iter().find_map(|b| Some((b, b.keys.iter().find(|(k, _)| k.value == var)?)));
            let source = match declared {
                Some((bind, (_, key))) => match &bind.location {
                    Some(loc) => SecretSource::File { location: loc.value.clone(), key: key.value.clone() },
                    None => SecretSource::Env { name: key.value.clone() },
                },
                None => SecretSource::Env { name: var.to_owned() },
            };
            let field = self.named(ScopeKind::Secrets, ident::snake(var), &Spanned::new(var.to_owned(), span), "secret");
            self.secrets.push(Secret { var: var.to_owned(), field, source });
        }
        var.to_owned()
    }

    /// A string whose placeholders are all secrets (authentication fields, base URIs).
    pub(super) fn secret_template(&mut self, s: &Spanned<String>) -> Template {
        let parts = template::pieces(&s.value)
            .into_iter()
            .map(|p| match p {
                Piece::Text(t) => TemplatePart::Literal(t.to_owned()),
                Piece::Ref(r) => {
                    let var = template::secret_name(r).unwrap_or(r);
                    TemplatePart::Secret(self.secret(var, s.span))
                }
            })
            .collect();
        Template { parts }
    }

    /// A reference that names a bind variable (`env.X`, `ns.X`, or a declared `X`).
    pub(super) fn secret_ref<'r>(&self, reference: &'r str) -> Option<&'r str> {
        let var = template::secret_name(reference)?;
        let declared = self.binds.iter().any(|b| b.keys.iter().any(|(k, _)| k.value == var));
        let prefixed_by_bind = reference
            .split_once('.')
            .is_some_and(|(ns, _)| ns == "env" || self.binds.iter().any(|b| b.namespace.as_ref().is_some_and(|n| n.value == ns)));
        (declared || prefixed_by_bind).then_some(var)
    }
}

//! The control expose's entry in the binary: its router (`naftiko_runtime::control`), configured from
//! the IR's `ControlSurface`, with the expose's authentication and `Host` checks.

use crate::emit::code::{Code, code};
use crate::ir::{Capability, ControlSurface, TracePropagation};

/// The control expose's namespace in `serve` (`--listen control=…`, `--only control`): it has none
/// in the spec.
pub const NAMESPACE: &str = "control";

/// The statement that starts the OTLP exporter (`exporters.otlp`), before the control router is built
/// (inside the build closure: `secrets` in scope when the endpoint names one): the endpoint resolved,
/// and the capability's label as `service.name`, as the engine names it (else the crate's name).
pub fn otlp_install(cap: &Capability, c: &ControlSurface) -> Option<Code> {
    let template = c.otlp.as_ref()?;
    let endpoint = match template.parts.as_slice() {
        [crate::ir::TemplatePart::Literal(url)] => code! { #url },
        _ => {
            let secret = crate::emit::values::secret_template(template, &cap.secrets);
            code! { #secret.expose() }
        }
    };
    let service = if cap.title.is_empty() { cap.crate_name.as_str() } else { cap.title.as_str() };
    Some(code! {
        ::naftiko_runtime::control::otlp::install(#endpoint, #service)?;
    })
}

/// `(namespace, router)` of the control expose, as the binary's `Surfaces.routers` lists it (inside
/// the build closure: `config` and, with authentication, `secrets` in scope).
pub fn router(cap: &Capability, c: &ControlSurface) -> Code {
    let auth = match &c.auth {
        Some(auth) => {
            // The REST emitter's, which names the runtime as its module imports it.
            let build = crate::emit::rest::server_auth(auth, &cap.secrets);
            let axum = matches!(auth, crate::ir::ServerAuth::ApiKey { placement: crate::ir::Placement::Header, .. })
                .then(|| code! { use ::naftiko_runtime::rest::axum; });
            code! { {
                use ::naftiko_runtime::rest as rt;
                #axum
                Some(#build)
            } }
        }
        None => code! { None },
    };
    let label = match cap.title.as_str() {
        "" => code! { None },
        title => code! { Some(#title) },
    };
    let traces = match c.traces {
        Some(size) => {
            let size = proc_macro2::Literal::usize_unsuffixed(size as usize);
            code! { Some(#size) }
        }
        None => code! { None },
    };
    let propagation = match c.propagation {
        TracePropagation::W3c => code!(W3c),
        TracePropagation::B3 => code!(B3),
    };
    let sampling = proc_macro2::Literal::f64_unsuffixed(c.sampling);
    let ControlSurface { health, info, observability, metrics, logs, reload, validate, scripting, .. } = c;
    code! {
        (#NAMESPACE, ::naftiko_runtime::control::router(
            ::naftiko_runtime::control::ControlSpec {
                label: #label,
                health: #health,
                info: #info,
                observability: #observability,
                metrics: #metrics,
                traces: #traces,
                sampling: #sampling,
                propagation: ::naftiko_runtime::control::Propagation::#propagation,
                logs: #logs,
                reload: #reload,
                validate: #validate,
                scripting: #scripting,
            },
            config,
            ::naftiko_runtime::rest::RestOptions { auth: #auth, access: ::naftiko_runtime::rest::Access::checked_at_edge() },
        ))
    }
}

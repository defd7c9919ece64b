//! Lowers the control expose: the engine's defaults made explicit (health on, info off, metrics and
//! traces on with 100 traces kept, every request sampled, W3C propagation).

use crate::ir::model::{ControlSurface, TracePropagation};
use crate::spec::model as spec;

use super::Lowering;

impl Lowering<'_> {
    /// `None` when its port is missing or out of range (reported by `check::control`).
    pub(super) fn lower_control(&mut self, c: &spec::ControlExpose) -> Option<ControlSurface> {
        let port = u16::try_from(c.port.as_ref()?.value).ok().filter(|p| *p > 0)?;
        let auth = c.authentication.as_ref().and_then(|a| self.server_auth(a));
        let flag = |f: &Option<crate::source::Spanned<bool>>, default: bool| f.as_ref().map_or(default, |f| f.value);
        let (m, o) = (c.management.clone().unwrap_or_default(), c.observability.clone().unwrap_or_default());
        let observability = flag(&o.enabled, true);
        let buffer = o.buffer_size.as_ref().and_then(|b| u32::try_from(b.value).ok()).unwrap_or(100);
        Some(ControlSurface {
            port,
            address: c.address.as_ref().map(|a| a.value.trim().to_owned()).filter(|a| !a.is_empty()),
            auth,
            health: flag(&m.health, true),
            info: flag(&m.info, false),
            observability,
            metrics: observability && flag(&o.metrics_local, true),
            traces: (observability && flag(&o.traces_local, true)).then_some(buffer),
            sampling: o.sampling.as_ref().map_or(1.0, |s| s.value),
            // Anything else was refused by the check.
            propagation: if o.propagation.as_ref().is_some_and(|p| p.value == "b3") { TracePropagation::B3 } else { TracePropagation::W3c },
            otlp: o.otlp_endpoint.as_ref().filter(|_| observability).map(|e| self.secret_template(e)),
            logs: flag(&m.logs, false),
            reload: flag(&m.reload, false),
            validate: flag(&m.validate, false),
            scripting: m.scripting.is_some(),
        })
    }
}

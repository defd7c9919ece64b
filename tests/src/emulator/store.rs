//! The emulator's in-memory world: volumes, snapshots, images and Object Storage objects,
//! every one scoped to a zone (objects to a region).

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::clock::Timestamp;

/// Organization of every resource (the recordings use one id for the organization and
/// its default project, e.g. GOC `test-api-update-snapshot` id 2).
pub const EMULATOR_ORGANIZATION: &str = "105bdce1-64c0-48ab-899d-868455867ecf";
/// The default project; equal to the organization id as in the recordings.
pub const EMULATOR_PROJECT: &str = EMULATOR_ORGANIZATION;

/// Zones of the Instance API: the OA enum, including `it-mil-1` (§4).
pub(crate) const INSTANCE_ZONES: &[&str] = &[
    "fr-par-1", "fr-par-2", "fr-par-3", "nl-ams-1", "nl-ams-2", "nl-ams-3", "pl-waw-1", "pl-waw-2",
    "pl-waw-3", "it-mil-1",
];
/// Zones of the Block API: the same without `it-mil-1` (§4, block_sdk.go:915).
pub(crate) const BLOCK_ZONES: &[&str] = &[
    "fr-par-1", "fr-par-2", "fr-par-3", "nl-ams-1", "nl-ams-2", "nl-ams-3", "pl-waw-1", "pl-waw-2",
    "pl-waw-3",
];

/// The region of a zone (`fr-par-1` → `fr-par`): Object Storage is regional, and an
/// import must be "in the same region as the bucket" (import/export guide).
pub(crate) fn region_of(zone: &str) -> &str {
    zone.rsplit_once('-').map_or(zone, |(region, _)| region)
}

/// A state that may still be moving: `creating` → `available`, `exporting` → `available`…
///
/// Deterministic: the resource keeps its transient state for the first
/// `settle_after_reads` reads (GET or a list that returns it), then shows `then`.
/// Recording E of §6 shows one read still `creating` and the next `available`, hence
/// the default of 1.
#[derive(Clone, Debug)]
pub(crate) struct Lifecycle {
    state: String,
    pending: Option<(String, u32)>,
}

impl Lifecycle {
    pub(crate) fn settled(state: &str) -> Self {
        Lifecycle {
            state: state.to_owned(),
            pending: None,
        }
    }

    pub(crate) fn transient(state: &str, then: &str, reads: u32) -> Self {
        Lifecycle {
            state: state.to_owned(),
            pending: Some((then.to_owned(), reads)),
        }
    }

    pub(crate) fn state(&self) -> &str {
        &self.state
    }

    pub(crate) fn is_transient(&self) -> bool {
        self.pending.is_some()
    }

    /// One client read; called before the resource is rendered for a GET or a list.
    pub(crate) fn observe(&mut self) {
        match self.pending.take() {
            Some((then, 0)) => self.state = then,
            Some((then, n)) => self.pending = Some((then, n - 1)),
            None => {}
        }
    }
}

/// Which API a volume belongs to: Instance local volumes and Block (SBS) volumes are
/// separate worlds (a Block id is not visible through `/instance/…`, §6 D).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VolumeKind {
    /// An Instance volume (`l_ssd`), snapshotted through `/instance/v1/…/snapshots`.
    Instance,
    /// A Block Storage volume (`sbs_5k`), snapshotted through `/block/v1/…/snapshots` (or `v1alpha1`).
    Block,
}

#[derive(Clone, Debug)]
pub(crate) struct Volume {
    pub id: String,
    pub zone: String,
    pub kind: VolumeKind,
    pub name: String,
    /// Instance: `l_ssd`…; Block: `sbs_5k`… (the `parent_volume.type` of §1.4).
    pub volume_type: String,
    pub size: u64,
}

#[derive(Clone, Debug)]
pub(crate) struct InstanceSnapshot {
    pub id: String,
    pub zone: String,
    pub name: String,
    pub volume_type: String,
    pub size: u64,
    pub organization: String,
    pub project: String,
    pub tags: Vec<String>,
    pub base_volume_id: Option<String>,
    pub created: Timestamp,
    pub modified: Timestamp,
    pub life: Lifecycle,
}

#[derive(Clone, Debug)]
pub(crate) struct Image {
    pub id: String,
    pub zone: String,
    pub name: String,
    pub arch: String,
    pub organization: String,
    pub project: String,
    /// VolumeSummary `{id, name, volume_type, size}`, resolved when set.
    pub root_volume: Value,
    /// Index → resolved volume, in the order sent.
    pub extra_volumes: Map<String, Value>,
    pub public: bool,
    pub tags: Vec<String>,
    pub created: Timestamp,
    pub modified: Timestamp,
    pub life: Lifecycle,
}

#[derive(Clone, Debug)]
pub(crate) struct BlockSnapshot {
    pub id: String,
    pub zone: String,
    pub name: String,
    pub parent_volume_id: Option<String>,
    pub size: u64,
    pub project_id: String,
    pub organization_id: String,
    pub tags: Vec<String>,
    /// Block v1 only (§1.3); v1alpha1 does not show it.
    pub public: bool,
    pub created: Timestamp,
    pub updated: Timestamp,
    pub life: Lifecycle,
}

/// What the emulator knows of an object in a bucket: a QCOW2 image and its virtual size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredObject {
    pub size: u64,
}

/// All state; insertion order is creation order, which the lists follow.
#[derive(Debug, Default)]
pub(crate) struct Store {
    pub volumes: Vec<Volume>,
    pub instance_snapshots: Vec<InstanceSnapshot>,
    pub images: Vec<Image>,
    pub block_snapshots: Vec<BlockSnapshot>,
    /// `(region, bucket, key)` → object.
    pub objects: HashMap<(String, String, String), StoredObject>,
}

impl Store {
    pub(crate) fn volume(&self, kind: VolumeKind, zone: &str, id: &str) -> Option<&Volume> {
        self.volumes
            .iter()
            .find(|v| v.kind == kind && v.zone == zone && v.id == id)
    }

    pub(crate) fn object(&self, zone: &str, bucket: &str, key: &str) -> Option<&StoredObject> {
        self.objects.get(&(
            region_of(zone).to_owned(),
            bucket.to_owned(),
            key.to_owned(),
        ))
    }

    pub(crate) fn put_object(&mut self, zone: &str, bucket: &str, key: &str, object: StoredObject) {
        self.objects.insert(
            (
                region_of(zone).to_owned(),
                bucket.to_owned(),
                key.to_owned(),
            ),
            object,
        );
    }
}

/// A fresh resource id.
pub(crate) fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A generated name such as `snp-1a2b3c4d`, as the SDKs fill in when none is given.
pub(crate) fn generated_name(prefix: &str) -> String {
    let id = uuid::Uuid::new_v4().simple().to_string();
    format!("{prefix}-{}", id.get(..8).unwrap_or(&id))
}

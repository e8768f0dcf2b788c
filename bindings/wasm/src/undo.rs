//! `UndoCore`: the `weft` undo manager of one document, from JavaScript. The package's
//! `UndoManager` class (`bindings/npm/src/undo.ts`) wraps it, keeping step metadata as
//! JavaScript values and turning the step events into `stack-item-*` events.

use std::rc::Rc;
use std::time::Duration;

use js_sys::Function;
use wasm_bindgen::prelude::*;
use weft::{ContainerPath, Origin, TrackedOrigins, UndoConfig, UndoEvent, UndoStack};

use crate::doc::Doc;
use crate::error::{JsResult, WeftError};
use crate::shared::{Outbox, SessionDoc, SharedDoc};

/// The path of a container, taken from a handle (`containerPath()`), to name an undo
/// manager's scope.
#[wasm_bindgen]
pub struct ContainerPathHandle {
    pub(crate) path: ContainerPath,
}

impl ContainerPathHandle {
    /// The handle of `path`.
    pub(crate) fn new(path: ContainerPath) -> Self {
        Self { path }
    }
}

/// What the core shares with its document: the manager, and the listener of step events.
struct UndoShared {
    shared: SharedDoc,
    manager: weft::UndoManager,
    listener: std::cell::RefCell<Option<Function>>,
}

impl Outbox for UndoShared {
    /// Tells the listener what happened to the steps during the batch that just ended.
    fn flush(&self) -> JsResult<()> {
        let events = self.manager.take_events();
        let Some(listener) = self.listener.borrow().clone() else {
            return Ok(());
        };
        for event in events {
            let (kind, stack, step) = match event {
                UndoEvent::Added { stack, step } => ("added", stack, step),
                UndoEvent::Updated { step } => ("updated", UndoStack::Undo, step),
                UndoEvent::Popped { stack, step } => ("popped", stack, step),
            };
            let stack = match stack {
                UndoStack::Undo => "undo",
                UndoStack::Redo => "redo",
            };
            listener.call3(
                &JsValue::UNDEFINED,
                &JsValue::from_str(kind),
                &JsValue::from_str(stack),
                &JsValue::from_f64(step as f64),
            )?;
        }
        Ok(())
    }
}

/// The undo manager of one document (use the package's `UndoManager`, which wraps this).
#[wasm_bindgen]
pub struct UndoCore {
    core: Rc<UndoShared>,
}

#[wasm_bindgen]
impl UndoCore {
    /// A manager of `doc`'s local changes inside `scope` (every container if empty), with
    /// one of `trackedOrigins` (strings, `null` for changes given no origin; every local
    /// change if `undefined`), grouping changes less than `captureTimeout` ms apart; its own
    /// transactions carry `origin`.
    ///
    /// @throws {Error} `WEFT_INVALID_ARGUMENT` if `captureTimeout` is negative or not a
    /// number, or a tracked origin is neither a string nor `null`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        doc: &Doc,
        scope: Vec<ContainerPathHandle>,
        #[wasm_bindgen(js_name = trackedOrigins, unchecked_param_type = "Array<string | null> | undefined")]
        tracked_origins: JsValue,
        #[wasm_bindgen(js_name = captureTimeout)] capture_timeout: f64,
        origin: String,
    ) -> JsResult<UndoCore> {
        if !(capture_timeout.is_finite() && capture_timeout >= 0.0) {
            return Err(WeftError::InvalidArgument(
                "captureTimeout must be a number of milliseconds ≥ 0".into(),
            )
            .into());
        }
        let tracked_origins = to_tracked(&tracked_origins)?;
        let config = UndoConfig {
            scope: scope.into_iter().map(|handle| handle.path).collect(),
            tracked_origins,
            capture_window: Duration::from_millis(capture_timeout as u64),
            origin: Origin::new(&origin),
            ..UndoConfig::default()
        };
        let shared = doc.shared().clone();
        let manager = shared.change(false, |doc| Ok(weft::UndoManager::new(doc, config)))?;
        manager.set_clock(|| js_sys::Date::now() as u64);
        let core = Rc::new(UndoShared {
            shared,
            manager,
            listener: std::cell::RefCell::new(None),
        });
        let weak: std::rc::Weak<UndoShared> = Rc::downgrade(&core);
        let outbox: std::rc::Weak<dyn Outbox> = weak;
        core.shared.attach(outbox)?;
        Ok(Self { core })
    }

    /// Calls `listener(kind, stack, step)` after every batch of changes for what happened
    /// to the steps: `kind` is `"added"`, `"updated"` or `"popped"`, `stack` `"undo"` or
    /// `"redo"`, `step` the step's id (kept as a step moves between the stacks).
    #[wasm_bindgen(js_name = setListener)]
    pub fn set_listener(
        &self,
        #[wasm_bindgen(
            unchecked_param_type = "(kind: string, stack: string, step: number) => void"
        )]
        listener: Function,
    ) {
        *self.core.listener.borrow_mut() = Some(listener);
    }

    /// Reverts the newest undo step; returns its id, or `undefined` if there is none.
    pub fn undo(&self) -> JsResult<Option<f64>> {
        self.revert(UndoStack::Undo)
    }

    /// Reverts the newest redo step; returns its id, or `undefined` if there is none.
    pub fn redo(&self) -> JsResult<Option<f64>> {
        self.revert(UndoStack::Redo)
    }

    fn revert(&self, stack: UndoStack) -> JsResult<Option<f64>> {
        let manager = &self.core.manager;
        let origin = JsValue::from_str(manager.origin().name());
        self.core.shared.change_from(true, Some(origin), |doc| {
            let reverted = match stack {
                UndoStack::Undo => manager.undo(doc),
                UndoStack::Redo => manager.redo(doc),
            };
            Ok(reverted.map(|reverted| reverted.step as f64))
        })
    }

    /// Whether there is a step to undo.
    #[wasm_bindgen(js_name = canUndo)]
    pub fn can_undo(&self) -> bool {
        self.core.manager.can_undo()
    }

    /// Whether there is a step to redo.
    #[wasm_bindgen(js_name = canRedo)]
    pub fn can_redo(&self) -> bool {
        self.core.manager.can_redo()
    }

    /// The id of the newest undo step, or `undefined`.
    #[wasm_bindgen(js_name = newestStep)]
    pub fn newest_step(&self) -> Option<f64> {
        self.core.manager.newest_step().map(|step| step as f64)
    }

    /// Ends the current step: the next change starts a new one.
    #[wasm_bindgen(js_name = stopCapturing)]
    pub fn stop_capturing(&self) {
        self.core.manager.stop_capturing();
    }

    /// Forgets every step.
    pub fn clear(&self) {
        self.core.manager.clear();
    }

    /// The origin of the manager's own transactions.
    #[wasm_bindgen(getter)]
    pub fn origin(&self) -> String {
        self.core.manager.origin().name().to_owned()
    }
}

/// The tracked origins JavaScript gave.
fn to_tracked(js: &JsValue) -> Result<TrackedOrigins, WeftError> {
    if js.is_undefined() {
        return Ok(TrackedOrigins::All);
    }
    let invalid = || WeftError::InvalidArgument("trackedOrigins must be strings or null".into());
    let array = js.dyn_ref::<js_sys::Array>().ok_or_else(invalid)?;
    array
        .iter()
        .map(|origin| {
            if origin.is_null() {
                Ok(None)
            } else {
                origin
                    .as_string()
                    .map(|name| Some(Origin::new(&name)))
                    .ok_or_else(invalid)
            }
        })
        .collect::<Result<Vec<_>, _>>()
        .map(TrackedOrigins::Only)
}

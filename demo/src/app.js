// The Weft notes board: one document with a shared note (text, in a CodeMirror editor), a
// rich note (one text with marks, in a ProseMirror editor), a todo list (a list of maps with
// `text` and `done`), tags (an add-wins set) and a like counter. Built on the npm package `weft-crdt`: the document lives in IndexedDB (works
// offline, survives reloads), syncs with this browser's other tabs (BroadcastChannel) and
// with everyone else through the server (WebSocket, reconnecting with backoff). Presence
// (who is here, where their cursors are) travels with both; undo reverts this page's typing.
import { BroadcastSync, IndexedDbPersistence, Presence, UndoManager, WebSocketSync } from "weft-crdt";
import { EDITOR_ORIGIN, createNoteEditor } from "./editor.js";
import { RICH_EDITOR_ORIGIN, createRichEditor } from "./rich.js";
import { loadUser, publishUser, renderPeople, saveUser } from "./people.js";

const params = new URLSearchParams(location.search);
const documentName = params.get("doc") ?? "board";
const token = params.get("token");
const offlineKey = `weft-demo:offline:${documentName}`;

const $ = (id) => document.getElementById(id);
const persistence = await IndexedDbPersistence.open(`demo:${documentName}`);
const doc = persistence.doc;
const presence = new Presence(doc);
const tabs = new BroadcastSync(doc, `demo:${documentName}`, { presence });
let server; // the WebSocketSync while online
let connection = "offline";

const note = doc.getText("note");
const richNote = doc.getText("richNote");
const todos = doc.getList("todos");
const tags = doc.getSet("tags");
const likes = doc.getCounter("likes");

function serverUrl() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const url = new URL(`${scheme}://${location.host}/sync/${encodeURIComponent(documentName)}`);
  if (token) url.searchParams.set("token", token);
  return url.href;
}

function goOnline() {
  if (server) return;
  server = new WebSocketSync(doc, serverUrl(), {
    presence,
    onStatus: (status) => {
      connection = status;
      renderStatus();
    },
  });
}

function goOffline() {
  server?.close();
  server = undefined;
  connection = "offline";
  renderStatus();
}

// ---- rendering ------------------------------------------------------------------------------

function renderStatus() {
  const link = server ? connection : "offline";
  $("connection").textContent = link === "open" ? "online" : link;
  $("connection").dataset.state = link;
  let sync;
  if (!server) sync = ["local", "saved in this browser"];
  else if (server.isIdle) sync = ["synced", "all changes on the server"];
  else if (link === "open") sync = ["syncing", "syncing…"];
  else sync = ["local", "saved in this browser"];
  $("sync").dataset.state = sync[0];
  $("sync").textContent = sync[1];
}

function renderTodos() {
  const list = $("todo-list");
  list.replaceChildren(
    ...todos.toArray().map((todo, index) => {
      const item = document.createElement("li");
      item.className = todo?.done ? "done" : "";
      const done = document.createElement("input");
      done.type = "checkbox";
      done.checked = Boolean(todo?.done);
      done.addEventListener("change", () => todos.getMap(index).set("done", done.checked));
      const text = document.createElement("span");
      text.textContent = todo?.text ?? "";
      const remove = document.createElement("button");
      remove.type = "button";
      remove.title = "Delete";
      remove.textContent = "✕";
      remove.addEventListener("click", () => todos.delete(index, 1));
      item.append(done, text, remove);
      return item;
    }),
  );
}

function renderTags() {
  const values = tags.values().map(String).sort();
  $("tag-list").replaceChildren(
    ...values.map((value) => {
      const tag = document.createElement("span");
      tag.className = "tag";
      tag.textContent = value;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.title = "Remove";
      remove.textContent = "✕";
      remove.addEventListener("click", () => tags.delete(value));
      tag.append(remove);
      return tag;
    }),
  );
}

function render() {
  renderTodos();
  renderTags();
  $("like-count").textContent = String(likes.value);
  renderStatus();
}

// ---- editing --------------------------------------------------------------------------------

$("todo-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("todo-text").value.trim();
  if (!text) return;
  doc.transact(() => {
    const todo = todos.insertMap(todos.length);
    todo.set("text", text);
    todo.set("done", false);
  });
  $("todo-text").value = "";
});

$("tag-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("tag-text").value.trim();
  if (text) tags.add(text);
  $("tag-text").value = "";
});

$("like").addEventListener("click", () => likes.increment());

$("work-offline").addEventListener("change", (event) => {
  localStorage.setItem(offlineKey, event.target.checked ? "1" : "");
  if (event.target.checked) goOffline();
  else goOnline();
});

// ---- start ----------------------------------------------------------------------------------

// Undo and redo revert this page's typing in the note, nobody else's.
const undoManager = new UndoManager(doc, { scope: [note], trackedOrigins: [EDITOR_ORIGIN] });
let user = loadUser();
const editor = createNoteEditor($("note"), { doc, text: note, presence, undoManager, user });

function renderUndo() {
  $("undo").disabled = !undoManager.canUndo();
  $("redo").disabled = !undoManager.canRedo();
}
undoManager.on("stack-item-added", renderUndo);
undoManager.on("stack-item-popped", renderUndo);
$("undo").addEventListener("click", () => {
  editor.undo();
  renderUndo();
  editor.view.focus();
});
$("redo").addEventListener("click", () => {
  editor.redo();
  renderUndo();
  editor.view.focus();
});
renderUndo();

// The rich note: its own undo manager (this page's formatting and typing there) and toolbar.
const richUndoManager = new UndoManager(doc, { scope: [richNote], trackedOrigins: [RICH_EDITOR_ORIGIN] });
const richEditor = createRichEditor($("rich-note"), { doc, text: richNote, presence, undoManager: richUndoManager, user });
function renderRichUndo() {
  $("rich-undo").disabled = !richUndoManager.canUndo();
  $("rich-redo").disabled = !richUndoManager.canRedo();
}
richUndoManager.on("stack-item-added", renderRichUndo);
richUndoManager.on("stack-item-popped", renderRichUndo);
// Toolbar buttons keep the editor's focus and selection (no focus change on mousedown).
for (const id of ["rich-bold", "rich-italic", "rich-link", "rich-heading", "rich-bullets", "rich-undo", "rich-redo"]) {
  $(id).addEventListener("mousedown", (event) => event.preventDefault());
}
$("rich-bold").addEventListener("click", () => richEditor.bold());
$("rich-italic").addEventListener("click", () => richEditor.italic());
$("rich-link").addEventListener("click", () => {
  if (richEditor.inLink()) return richEditor.link(null);
  const href = prompt("Link to", "https://");
  if (href) richEditor.link(href);
});
$("rich-heading").addEventListener("click", () => richEditor.heading());
$("rich-bullets").addEventListener("click", () => richEditor.bulletList());
$("rich-undo").addEventListener("click", () => {
  richEditor.undo();
  renderRichUndo();
});
$("rich-redo").addEventListener("click", () => {
  richEditor.redo();
  renderRichUndo();
});
renderRichUndo();

$("user-name").value = user.name;
$("user-name").addEventListener("input", (event) => {
  const name = event.target.value.trim();
  if (!name) return;
  user = saveUser({ ...user, name });
  publishUser(presence, user);
});
presence.on("change", () => renderPeople($("people"), presence));
renderPeople($("people"), presence);

doc.subscribe(() => render());
setInterval(renderStatus, 250);
$("document-name").textContent = `· ${documentName}`;
$("replica").textContent = doc.replicaId;
$("work-offline").checked = localStorage.getItem(offlineKey) === "1";
if (!$("work-offline").checked) goOnline();
render();

// For the end-to-end tests and the curious: `weftDemo.doc.toJSON()` in the console.
window.weftDemo = {
  doc,
  editor,
  richEditor,
  presence,
  undoManager,
  richUndoManager,
  persistence,
  tabs,
  get online() {
    return connection === "open";
  },
  get synced() {
    return Boolean(server?.isIdle);
  },
  goOnline,
  goOffline,
};
document.body.dataset.ready = "true";

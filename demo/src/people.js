// Who this page is (a name and a colour, kept for the tab in sessionStorage, the name
// editable) and who is here: the people presence knows on this document, this page first.

const NAMES = ["Ada", "Grace", "Alan", "Barbara", "Edsger", "Margaret", "Linus", "Katherine", "Dennis", "Frances"];
const COLORS = ["#d81b60", "#1e88e5", "#43a047", "#f4511e", "#8e24aa", "#00897b", "#6d4c41", "#3949ab"];
const KEY = "weft-demo:user";

/** This page's user: the one this tab had, else a random name and colour. */
export function loadUser() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(KEY) ?? "null");
    if (typeof saved?.name === "string" && typeof saved?.color === "string") return saved;
  } catch {
    // A malformed entry: pick a new user.
  }
  const pick = (list) => list[Math.floor(Math.random() * list.length)];
  return saveUser({ name: pick(NAMES), color: pick(COLORS) });
}

/** Keeps `user` for this tab; returns it. */
export function saveUser(user) {
  sessionStorage.setItem(KEY, JSON.stringify(user));
  return user;
}

/** Sets the `user` field of the local presence state, keeping its other fields. */
export function publishUser(presence, user) {
  presence.setLocal({ ...(presence.getLocal() ?? {}), user });
}

/** Draws the "who is here" list into `list` from presence's states, this page first. */
export function renderPeople(list, presence) {
  const people = [...presence.getStates()]
    .filter(([, state]) => state?.user)
    .sort(([a], [b]) => (a === presence.clientId ? -1 : b === presence.clientId ? 1 : a.localeCompare(b)));
  list.replaceChildren(
    ...people.map(([clientId, { user }]) => {
      const item = document.createElement("li");
      item.dataset.client = clientId;
      const dot = document.createElement("span");
      dot.className = "dot";
      dot.style.background = String(user.color);
      const name = document.createElement("span");
      name.className = "name";
      name.textContent = String(user.name) + (clientId === presence.clientId ? " (you)" : "");
      item.append(dot, name);
      return item;
    }),
  );
}

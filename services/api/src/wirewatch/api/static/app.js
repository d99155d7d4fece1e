// The events page: a newest-first list kept live by /v1/stream, the map, the filters and the event view.

import { AuthRequired, eventQueryParameters, followStream, getJSON, setToken } from "./api.js";
import { showEvent } from "./event-view.js";
import { WorldMap } from "./map.js";

const PAGE_SIZE = 50;
const MAX_EVENTS = 1000; // kept in memory: past this the oldest go (they are still a page away via the api)
const VIEW_REFRESH_MS = 3000; // an open event busy with updates is re-read at most this often
const $ = (selector) => document.querySelector(selector);

const state = {
  events: new Map(), // event_id -> EventSnapshot (never a merged redirect)
  nextCursor: null,
  selected: null,
  serverFilters: new Set(),
  stream: null, // AbortController of the running stream
  view: null, // AbortController of the open event view
};

const map = new WorldMap($("#map"), (id) => select(id));

function filters() {
  const form = new FormData($("#filters"));
  const country = String(form.get("country") || "").trim().toUpperCase();
  const minArticles = Math.floor(Number(form.get("min_articles")));
  return {
    // Half-typed values filter nothing yet (the api would answer them with a 422).
    country: /^[A-Z]{2}$/.test(country) ? country : "",
    category: String(form.get("category") || ""),
    minArticles: minArticles > 0 ? minArticles : 0,
    text: String(form.get("q") || "").trim().toLowerCase(),
  };
}

// The filters the page applies itself, so that results agree whatever the api version filters on its side.
function visible(event, f) {
  if (event.status === "merged") return false;
  if (f.country && !(event.countries || []).includes(f.country)) return false;
  if (f.category && event.category !== f.category) return false;
  if (f.minArticles && event.article_count < f.minArticles) return false;
  // A server that filters on text matched the listed events by its own search terms; only live arrivals are ours.
  if (f.text && (event.live || !state.serverFilters.has("q"))) {
    const haystack = [event.title, ...(event.keywords || []), ...(event.entities || []), ...(event.actors || []),
      ...(event.places || []).map((p) => p.name)].join(" ").toLowerCase();
    if (!f.text.split(/\s+/).every((word) => haystack.includes(word))) return false;
  }
  return true;
}

function newestFirst(a, b) {
  return b.last_seen.localeCompare(a.last_seen) || b.event_id.localeCompare(a.event_id);
}

function row(event) {
  const li = document.createElement("li");
  li.className = `event cat-${event.category}${event.event_id === state.selected ? " selected" : ""}`;
  li.dataset.eventId = event.event_id;
  li.tabIndex = 0;
  const title = document.createElement("div");
  title.className = "title";
  title.textContent = event.title;
  const meta = document.createElement("div");
  meta.className = "meta";
  const seen = new Date(event.last_seen).toISOString().replace("T", " ").slice(0, 16);
  meta.textContent = `${event.category} · ${(event.countries || []).join(" ") || "—"} · ${seen} UTC`;
  const counts = document.createElement("div");
  counts.className = "counts";
  counts.innerHTML = '<span class="articles"></span> articles · <span class="sources"></span> sources';
  counts.querySelector(".articles").textContent = event.article_count;
  counts.querySelector(".sources").textContent = event.source_count;
  li.append(title, meta, counts);
  li.addEventListener("click", () => select(event.event_id));
  li.addEventListener("keydown", (e) => e.key === "Enter" && select(event.event_id));
  return li;
}

// Changes can come many per second: the list and the map are redrawn at most once per animation frame.
const pending = { frame: 0, flash: new Set() };

function render(flashId = null) {
  if (flashId) pending.flash.add(flashId);
  if (!pending.frame) pending.frame = requestAnimationFrame(draw);
}

function draw() {
  pending.frame = 0;
  const f = filters();
  const shown = [...state.events.values()].filter((e) => visible(e, f)).sort(newestFirst);
  const list = $("#events");
  list.replaceChildren(...shown.map(row));
  for (const id of pending.flash) list.querySelector(`[data-event-id="${CSS.escape(id)}"]`)?.classList.add("flash");
  pending.flash.clear();
  map.render(shown, state.selected);
  $("#status").textContent = shown.length ? `${shown.length} events` : "no events match";
  $("#more").hidden = !state.nextCursor;
}

function forgetOldest() {
  if (state.events.size <= MAX_EVENTS) return;
  const oldest = [...state.events.values()].sort(newestFirst).slice(MAX_EVENTS);
  for (const event of oldest) state.events.delete(event.event_id);
}

let viewTimer = null;
function refreshView(eventId) {
  // Trailing throttle: the view shows the state at most VIEW_REFRESH_MS old, without one read per change.
  if (viewTimer) return;
  viewTimer = setTimeout(() => {
    viewTimer = null;
    if (state.selected === eventId) select(eventId, { keepScroll: true });
  }, VIEW_REFRESH_MS);
}

function apply(kind, change) {
  const event = change.event;
  const known = state.events.get(event.event_id);
  if (known && known.version > event.version) return; // a late, older change
  if (event.status === "merged") {
    state.events.delete(event.event_id);
    if (state.selected === event.event_id && event.merged_into) select(event.merged_into);
  } else {
    state.events.set(event.event_id, { ...event, live: known ? known.live : true });
    forgetOldest();
  }
  render(event.status === "merged" ? null : event.event_id);
  if (state.selected === event.event_id && event.status !== "merged") refreshView(event.event_id);
}

async function loadPage(before = null) {
  const f = filters();
  const params = { limit: PAGE_SIZE };
  if (before) params[state.serverFilters.has("cursor") ? "cursor" : "before"] = before;
  if (f.country) params.country = f.country;
  if (f.category) params.category = f.category;
  // Newer api versions filter these server-side too; to an older one they are not sent (it would refuse them).
  if (f.minArticles && state.serverFilters.has("min_articles")) params.min_articles = f.minArticles;
  if (f.text && state.serverFilters.has("q")) params.q = f.text;
  const page = await getJSON("/v1/events", params);
  for (const event of page.events) {
    if (event.status !== "merged") state.events.set(event.event_id, event);
  }
  state.nextCursor = page.next_cursor;
  render();
}

function startStream() {
  state.stream?.abort();
  const controller = new AbortController();
  state.stream = controller;
  const f = filters();
  const params = { countries: f.country, categories: f.category, min_articles: f.minArticles || "" };
  const live = $("#live");
  followStream(params, {
    signal: controller.signal,
    onEvent: (kind, data) => kind.startsWith("event.") && apply(kind, data),
    onState: (text) => {
      live.textContent = text;
      live.className = `live ${text === "live" ? "on" : "off"}`;
    },
  }).catch(failed);
}

async function select(eventId, { keepScroll = false } = {}) {
  state.view?.abort();
  const controller = new AbortController();
  state.view = controller;
  state.selected = eventId;
  render();
  const container = $("#event-view");
  const scroll = container.scrollTop;
  try {
    await showEvent(container, eventId, {
      signal: controller.signal,
      onClose: () => {
        controller.abort();
        state.selected = null;
        container.hidden = true;
        render();
      },
    });
    if (keepScroll) container.scrollTop = scroll;
  } catch (error) {
    if (!controller.signal.aborted) failed(error, container);
  }
}

function failed(error, where = $("#status")) {
  if (error instanceof AuthRequired) {
    $("#token-form").hidden = false;
    $("#live").textContent = "token needed";
    return;
  }
  where.textContent = `error: ${error.message}`;
}

async function reload() {
  state.events.clear();
  state.nextCursor = null;
  startStream(); // first, so that nothing published while the page loads is missed
  try {
    await loadPage();
  } catch (error) {
    failed(error);
  }
}

let typing = null;
$("#filters").addEventListener("input", () => {
  clearTimeout(typing);
  typing = setTimeout(reload, 250);
});
$("#filters").addEventListener("reset", () => setTimeout(reload, 0));
$("#filters").addEventListener("submit", (e) => e.preventDefault());
$("#more").addEventListener("click", () => loadPage(state.nextCursor).catch(failed));
$("#token-form").addEventListener("submit", (e) => {
  e.preventDefault();
  setToken(new FormData(e.target).get("token"));
  e.target.hidden = true;
  reload();
});

const [serverFilters] = await Promise.all([
  eventQueryParameters().catch(() => new Set()),
  map.load().catch((error) => console.warn("map data not loaded", error)), // the list works without a map
]);
state.serverFilters = serverFilters;
await reload();
document.body.dataset.ready = "true";

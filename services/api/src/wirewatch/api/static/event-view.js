// One event: its snapshot, its articles and why each article is in it (the clustering decision dedupe stored on the
// article: decision, scores against the event, candidates, runner-up). Article details are fetched for the first
// MAX_EXPLAINED articles only, a few at a time, so a 500-article event costs the api a bounded number of reads.

import { getJSON } from "./api.js";

const MAX_EXPLAINED = 20;
const PARALLEL = 4;
const SCORE_PARTS = ["text", "entities", "places", "category", "time", "combined", "final"];

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v != null) node.setAttribute(k, v);
  }
  for (const child of children.flat()) {
    if (child != null) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const when = (iso) => (iso ? new Date(iso).toISOString().replace("T", " ").slice(0, 16) + " UTC" : "no date");

function why(dedupe) {
  if (!dedupe) return "not clustered yet";
  const s = dedupe.scores || {};
  const candidates = s.candidates != null ? ` among ${s.candidates} candidate event(s)` : "";
  const runnerUp = s.runner_up != null ? `, runner-up ${s.runner_up.toFixed(2)}` : "";
  const merged = dedupe.merged_from ? ` — came with merged event ${dedupe.merged_from}` : "";
  switch (dedupe.decision) {
    case "join":
      return `joined: final score ${(s.final ?? 0).toFixed(2)}${candidates}${runnerUp}${merged}`;
    case "create":
      return s.final != null
        ? `started this event: best existing event scored only ${s.final.toFixed(2)}${candidates}${merged}`
        : `started this event: no candidate event${merged}`;
    case "duplicate": {
      const sim = s.copy_similarity != null ? ` (similarity ${s.copy_similarity.toFixed(2)})` : "";
      return `copy of article ${dedupe.duplicate_of}${sim}${merged}`;
    }
    case "revision":
      return `a new revision of an article already in the event${merged}`;
    default:
      return `${dedupe.decision}${merged}`;
  }
}

function scoreBars(scores) {
  const rows = SCORE_PARTS.filter((k) => scores && k in scores).map((k) => {
    const v = scores[k];
    const bar = h("span", { class: "bar" }, h("span", { class: "fill" }));
    bar.firstChild.dataset.value = v == null ? "" : v;
    // Width via the CSSOM (an inline style attribute would need 'unsafe-inline' in the page's CSP).
    bar.firstChild.style.width = v == null ? "0" : `${Math.round(Math.max(0, Math.min(1, v)) * 100)}%`;
    return h("div", { class: "score" }, h("span", { class: "name" }, k), bar,
      h("span", { class: "value" }, v == null ? "n/a" : v.toFixed(2)));
  });
  return rows.length ? h("div", { class: "scores" }, rows) : null;
}

// Newer apis put each article's decision on the event's article list; otherwise it is read from the article.
async function explain(articles, signal) {
  const out = new Map();
  const queue = [];
  for (const article of articles) {
    if (article.decision) out.set(article.id, { dedupe: { ...article, scores: article.scores || {} } });
    else if (queue.length < MAX_EXPLAINED) queue.push(article);
  }
  async function worker() {
    while (queue.length && !signal.aborted) {
      const article = queue.shift();
      try {
        out.set(article.id, await getJSON(`/v1/articles/${encodeURIComponent(article.id)}`, {}, signal));
      } catch (error) {
        out.set(article.id, { error: error.message });
      }
    }
  }
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return out;
}

function timeline(entries) {
  if (!entries || !entries.length) return null;
  const items = entries.slice(-MAX_EXPLAINED).reverse().map((t) => {
    const score = t.scores && t.scores.final != null ? ` (final ${t.scores.final.toFixed(2)})` : "";
    const merged = t.merged_from ? `, from merged ${t.merged_from}` : "";
    return h("li", {}, `${when(t.at)} · ${t.change}: ${t.title || t.article_id}${score}${merged}`);
  });
  return [h("h3", {}, "Timeline (newest first)"), h("ol", { class: "timeline" }, items)];
}

export async function showEvent(container, eventId, { signal, onClose }) {
  container.hidden = false;
  container.replaceChildren(h("p", { class: "status" }, "loading event…"));
  const event = await getJSON(`/v1/events/${encodeURIComponent(eventId)}`, {}, signal);
  const places = (event.places || []).map((p) => p.name).join(", ");
  const close = h("button", { class: "close", title: "close" }, "×");
  close.addEventListener("click", onClose);
  const list = h("ol", { class: "articles" });
  const parts = [
    close,
    h("h2", {}, event.title),
    h("p", { class: "meta" },
      `${event.category}${event.event_type ? " / " + event.event_type.type : ""} · ${(event.countries || []).join(", ") || "no country"}`,
      ` · ${event.article_count} articles from ${event.source_count} sources`,
      event.duplicate_count ? ` (${event.duplicate_count} copies)` : "",
      ` · ${when(event.first_seen)} → ${when(event.last_seen)}`),
    places ? h("p", { class: "meta" }, `Places: ${places}`) : null,
    (event.actors || []).length ? h("p", { class: "meta" }, `Actors: ${event.actors.join(", ")}`) : null,
    h("h3", {}, `Articles (${event.articles.length} newest) and why each joined`),
    list,
    timeline(event.timeline),
  ];
  container.replaceChildren(...parts.flat().filter((part) => part != null));
  for (const a of event.articles) {
    const title = a.url ? h("a", { href: a.url, rel: "noopener noreferrer", target: "_blank" }, a.title) : a.title;
    list.append(h("li", { "data-article-id": a.id }, h("div", { class: "title" }, title),
      h("div", { class: "meta" }, `${a.source || "unknown source"} · ${when(a.published_at)}`),
      h("div", { class: "why" }, "…")));
  }
  const details = await explain(event.articles, signal);
  for (const item of list.children) {
    const detail = details.get(item.dataset.articleId);
    const whyNode = item.querySelector(".why");
    if (!detail) whyNode.textContent = `not explained (only the first ${MAX_EXPLAINED} articles are)`;
    else if (detail.error) whyNode.textContent = `could not load: ${detail.error}`;
    else {
      whyNode.textContent = why(detail.dedupe);
      const bars = scoreBars(detail.dedupe?.scores);
      if (bars) item.append(bars);
    }
  }
  return event;
}

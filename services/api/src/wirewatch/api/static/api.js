// The api of the same origin: JSON reads and the /v1/stream server-sent events, with the optional read token.
// The stream is read with fetch() rather than EventSource, because EventSource cannot send an Authorization header.

const TOKEN_KEY = "wirewatch.token";

export class AuthRequired extends Error {}

export function setToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

function headers(extra = {}) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { ...extra, Authorization: `Bearer ${token}` } : extra;
}

function problem(body, response) {
  // {"detail": "..."} or problem+json {"title", "detail"}, or a 422's list of {loc, msg}.
  const detail = body && (body.detail ?? body.title);
  if (Array.isArray(detail)) return detail.map((d) => `${(d.loc || []).join(".")}: ${d.msg}`).join("; ");
  return detail || `${response.status} ${response.statusText}`;
}

export async function getJSON(path, params = {}, signal = undefined) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== "" && v != null));
  const url = query.size ? `${path}?${query}` : path;
  const response = await fetch(url, { headers: headers({ Accept: "application/json" }), signal });
  if (response.status === 401) throw new AuthRequired("a token is needed to read");
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error(problem(body, response));
  return body;
}

// Which query parameters /v1/events accepts: filters the api does not know yet are applied on the page instead.
export async function eventQueryParameters() {
  try {
    const spec = await getJSON("/openapi.json");
    const op = spec.paths?.["/v1/events"]?.get;
    return new Set((op?.parameters || []).map((p) => p.name));
  } catch {
    return new Set(["country", "category", "limit", "before"]);
  }
}

// Reads /v1/stream until aborted; calls onEvent(kind, data) per frame and onState("live" | "reconnecting" | ...).
// Reconnects after a drop (the server's `event: close`, a network error) with a growing pause, at most 30 s.
export async function followStream(params, { onEvent, onState, signal }) {
  let pause = 1000;
  while (!signal.aborted) {
    try {
      const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== "" && v != null));
      const response = await fetch(`/v1/stream?${query}`, {
        headers: headers({ Accept: "text/event-stream" }),
        signal,
      });
      if (response.status === 401) throw new AuthRequired("a token is needed to read");
      if (!response.ok) throw new Error(`stream: ${response.status}`);
      onState("live");
      pause = 1000;
      await readFrames(response.body, (kind, data) => {
        if (kind === "close") onState(`dropped: ${data.reason}`);
        else onEvent(kind, data);
      });
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof AuthRequired) throw error;
    }
    if (signal.aborted) return;
    onState("reconnecting");
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(pause * 2, 30000);
  }
}

async function readFrames(body, emit) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let kind = "message";
      const data = [];
      for (const line of frame.split("\n")) {
        if (line.startsWith("event:")) kind = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
      }
      if (data.length) {
        try {
          emit(kind, JSON.parse(data.join("\n")));
        } catch {
          // an unreadable frame is skipped; the next one may be fine
        }
      }
    }
  }
}

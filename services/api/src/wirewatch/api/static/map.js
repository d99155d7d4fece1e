// The world map: an SVG in equirectangular projection (x = lon + 180, y = 90 - lat in a 360 x 180 viewBox) with a
// graticule, the settled land as a dot matrix and a marker per event. Everything comes from /static/world.json.

const SVG = "http://www.w3.org/2000/svg";

function el(name, attrs = {}, parent = null) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (parent) parent.appendChild(node);
  return node;
}

export class WorldMap {
  constructor(svg, onSelect) {
    this.svg = svg;
    this.onSelect = onSelect;
    this.countries = {};
    el("rect", { class: "sea", x: 0, y: 0, width: 360, height: 180 }, svg);
    this.graticule(el("g", { class: "graticule" }, svg));
    this.land = el("path", { class: "land" }, svg);
    this.markers = el("g", { class: "markers" }, svg);
    this.labels = el("g", { class: "labels" }, svg); // above the markers, with a halo, never catching clicks
  }

  async load() {
    const response = await fetch("/static/world.json");
    const world = await response.json();
    this.countries = world.countries;
    const size = world.cell;
    const dot = (size * 0.62).toFixed(2);
    const parts = [];
    for (let i = 0; i < world.land.length; i += 2) {
      const x = world.land[i] * size + size * 0.19;
      const y = world.land[i + 1] * size + size * 0.19;
      parts.push(`M${x.toFixed(2)} ${y.toFixed(2)}h${dot}v${dot}h-${dot}z`);
    }
    this.land.setAttribute("d", parts.join(""));
  }

  graticule(group) {
    for (let lon = -150; lon <= 150; lon += 30) {
      el("line", { x1: lon + 180, y1: 0, x2: lon + 180, y2: 180, class: lon === 0 ? "meridian" : "" }, group);
    }
    for (let lat = -60; lat <= 60; lat += 30) {
      el("line", { x1: 0, y1: 90 - lat, x2: 360, y2: 90 - lat, class: lat === 0 ? "equator" : "" }, group);
    }
  }

  // [lat, lon] of an event: its most salient place (dedupe ranks places by mentions), else its country's centre.
  position(event) {
    const place = (event.places || [])[0];
    if (place) return [place.lat, place.lon];
    const code = event.primary_country || (event.countries || [])[0];
    const centre = code && this.countries[code];
    return centre ? [centre[0], centre[1]] : null;
  }

  render(events, selectedId) {
    this.markers.replaceChildren();
    this.labels.replaceChildren();
    const labelled = new Set();
    // Biggest first so that small events stay clickable on top of big ones.
    const ordered = [...events].sort((a, b) => b.article_count - a.article_count);
    for (const event of ordered) {
      const at = this.position(event);
      if (!at) continue;
      const [lat, lon] = at;
      const radius = Math.min(1.2 + Math.sqrt(event.article_count) * 0.7, 5);
      const marker = el("circle", {
        cx: (lon + 180).toFixed(2),
        cy: (90 - lat).toFixed(2),
        r: radius.toFixed(2),
        class: `marker cat-${event.category}${event.event_id === selectedId ? " selected" : ""}`,
        "data-event-id": event.event_id,
        tabindex: 0,
      }, this.markers);
      el("title", {}, marker).textContent = `${event.title} (${event.article_count} articles)`;
      marker.addEventListener("click", () => this.onSelect(event.event_id));
      const code = event.primary_country || (event.countries || [])[0];
      if (code && !labelled.has(code) && this.countries[code]) {
        labelled.add(code);
        const [clat, clon, name] = this.countries[code];
        const label = el("text", { x: (clon + 180).toFixed(2), y: (90 - clat + 4.5).toFixed(2) }, this.labels);
        label.textContent = name;
      }
    }
  }
}

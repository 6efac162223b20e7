// The live preview page: a panel built from the parameter schema, and the preview's state as it
// streams in (Server-Sent Events). Plain JavaScript, nothing from the network.
"use strict";

const fieldsForm = document.getElementById("fields");
const errorLine = document.getElementById("error");
const videoError = document.getElementById("video-error");
const scenesBox = document.getElementById("scenes");
const schemas = {};

function rangeText(p) {
  const lo = p.minimum ?? p.exclusiveMinimum, hi = p.maximum ?? p.exclusiveMaximum;
  if (lo === undefined && hi === undefined) return "";
  return ` (${p.exclusiveMinimum !== undefined ? "(" : "["}${lo}, ${hi}${p.exclusiveMaximum !== undefined ? ")" : "]"})`;
}

function makeInput(name, p) {
  let input;
  if (p.enum) {
    input = document.createElement("select");
    for (const choice of p.enum) input.add(new Option(choice, choice));
  } else {
    input = document.createElement("input");
    if (p.type === "boolean") input.type = "checkbox";
    else if (p.type === "integer" || p.type === "number") {
      input.type = "number";
      input.step = p.type === "integer" ? "1" : "any";
      const lo = p.minimum ?? p.exclusiveMinimum, hi = p.maximum ?? p.exclusiveMaximum;
      if (lo !== undefined) input.min = lo;
      if (hi !== undefined) input.max = hi;
    } else input.type = "text";
  }
  input.name = name;
  input.addEventListener("change", () => send(name, valueOf(input, p)));
  return input;
}

function valueOf(input, p) {
  if (p.type === "boolean") return input.checked;
  if (p.type === "integer" || p.type === "number") {
    const n = Number(input.value);
    return input.value.trim() === "" || Number.isNaN(n) ? input.value : n;
  }
  return input.value;
}

async function buildPanel() {
  const schema = await (await fetch("/api/schema")).json();
  for (const [table, t] of Object.entries(schema.properties)) {
    const set = document.createElement("fieldset");
    set.innerHTML = `<legend></legend>`;
    set.firstChild.textContent = table;
    for (const [key, p] of Object.entries(t.properties)) {
      const name = `${table}.${key}`;
      schemas[name] = p;
      const label = document.createElement("label");
      const title = document.createElement("span");
      title.className = "key";
      title.textContent = key + rangeText(p);
      const help = document.createElement("div");
      help.className = "help";
      help.textContent = p.description;
      label.append(title, makeInput(name, p), help);
      set.append(label);
    }
    fieldsForm.append(set);
  }
}

async function send(key, value) {
  const response = await fetch("/api/params", {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify({key, value}),
  });
  if (!response.ok) {
    const body = await response.json().catch(() => ({error: `${response.status} ${response.statusText}`}));
    showLine(errorLine, body.error);
  }
}

function showLine(element, text) {
  element.textContent = text || "";
  element.hidden = !text;
}

function showValues(values) {
  for (const [name, value] of Object.entries(values)) {
    const input = fieldsForm.elements[name];
    if (!input || input === document.activeElement) continue;
    if (input.type === "checkbox") input.checked = value;
    else input.value = value;
  }
}

function sceneSection(scene) {
  let section = document.getElementById(`scene-${scene.id}`);
  if (!section) {
    section = document.createElement("section");
    section.className = "scene";
    section.id = `scene-${scene.id}`;
    section.innerHTML = `<h2></h2><p class="reads"></p><p class="status"></p><div class="video"></div><div class="beats"></div>`;
    section.querySelector("h2").textContent = scene.title;
    scenesBox.append(section);
  }
  return section;
}

function showBeats(box, beats) {
  const key = beats.map(b => b.image + "\n" + b.line).join("\n");
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.replaceChildren(...beats.map((beat, i) => {
    const figure = document.createElement("figure");
    const img = document.createElement("img");
    img.src = `/files/${beat.image}`;
    img.alt = beat.name;
    const caption = document.createElement("figcaption");
    const name = document.createElement("b");
    name.textContent = `${i + 1}. ${beat.name}`;
    const line = document.createElement("span");
    line.className = "line";
    line.textContent = beat.line;
    caption.append(name, line);
    figure.append(img, caption);
    return figure;
  }));
}

function showVideo(box, url) {
  if (!url || box.dataset.url === url) return;
  box.dataset.url = url;
  const video = document.createElement("video");
  video.controls = true;
  video.src = `/files/${url}`;
  box.replaceChildren(video);
}

function show(state) {
  document.getElementById("file").textContent = state.params_file || "";
  showLine(errorLine, state.error);
  showLine(videoError, state.video_error);
  showValues(state.values || {});
  for (const scene of Object.values(state.scenes || {})) {
    const section = sceneSection(scene);
    section.querySelector(".reads").textContent = `reads: ${scene.reads.join(", ") || "-"}`;
    section.querySelector(".status").textContent = scene.status;
    showVideo(section.querySelector(".video"), scene.video);
    showBeats(section.querySelector(".beats"), scene.beats);
  }
}

buildPanel().then(() => {
  const events = new EventSource("/api/events");
  events.onmessage = (event) => show(JSON.parse(event.data));
});

// Read local pages as a person gets them, in Debian's headless Chromium through playwright-core.
// A long-lived child: one JSON request a line on stdin ({"file": PATH}), one JSON reply a line on
// stdout ({"rendered": [...], "spoken": [...], "outside": {...}, "facts": {...}} or {"error": ...}).
// One browser serves every page of a check run; a page loads nothing but file:// URLs.
import { chromium } from "playwright-core";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";

// The same block elements as html/read.py: each ends a block; everything else runs on.
const BLOCK_TAGS = new Set(("address article aside blockquote caption dd div dl dt figcaption figure footer " +
  "h1 h2 h3 h4 h5 h6 header li main nav ol p pre section table tbody td tfoot th thead tr ul").split(" "));
const SILENT_TAGS = new Set("script style template head title noscript".split(" "));
// Roles whose author-given name (aria-label, aria-labelledby) is announced instead of their content.
const NAMED_BY_AUTHOR = new Set(["link", "button", "heading", "img", "image", "paragraph", "listitem", "cell",
  "columnheader", "rowheader", "StaticText"]);
// A list marker the browser draws (a bullet, a number or letter with its stop) is furniture; any
// other marker text (li::marker { content: "NOT " }) is text.
const PLAIN_MARKER = /^\s*(?:\p{N}{1,6}[.)\u3001\u060c]?|(?:[ivxlcdm]{1,8}|[IVXLCDM]{1,8}|\p{L})[.)]|[\u2022\u25e6\u25aa\u25ab\u25a0\u25a1\u2013\u2014*-])?\s*$/u;
const SETTLE_MS = 50; // scripts' timers and frames after "load" get this long to change the page

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND"],
});
const context = await browser.newContext({ serviceWorkers: "block" });

// One page for every file: each navigation starts a fresh document, and a fresh page costs more.
const page = await context.newPage();
let blocked = [];
await page.route("**/*", (route) => {
  const url = route.request().url();
  if (url.startsWith("file:")) return route.continue();
  blocked.push(url);
  return route.abort();
});
page.on("websocket", (ws) => blocked.push(ws.url()));
const cdp = await context.newCDPSession(page);

async function read(file) {
  blocked = [];
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  await page.evaluate((ms) => new Promise((done) => requestAnimationFrame(() => setTimeout(done, ms))), SETTLE_MS);
  const seen = await page.evaluate(renderedText, [...BLOCK_TAGS, "|", ...SILENT_TAGS]);
  const { nodes } = await cdp.send("Accessibility.getFullAXTree");
  const spoken = await spokenText(cdp, nodes);
  const facts = { ...seen.facts, blocked: [...blocked] };
  await page.goto("about:blank"); // the next file's requests are its own
  return { ...seen, spoken: spoken.main, outside: { ...seen.outside, spoken: spoken.outside }, facts };
}

// Runs in the page: the text a sighted reader sees, per block, CSS applied and scripts run.
function renderedText(tags) {
  const cut = tags.indexOf("|");
  const blockTags = new Set(tags.slice(0, cut));
  const silentTags = new Set(tags.slice(cut + 1));
  const lang = document.documentElement.lang || undefined;

  function generated(el, pseudo) {
    const content = getComputedStyle(el, pseudo).content;
    if (!content || content === "none" || content === "normal") return "";
    const strings = content.match(/"(?:[^"\\]|\\.)*"/g);
    if (strings && strings.join(" ") === content.trim()) {
      return strings.map((s) => JSON.parse(s.replace(/\\([^"\\])/g, "$1"))).join("");
    }
    return `[${pseudo} ${content}]`; // counters, attr(), images: reported as found, never silently dropped
  }
  function transformed(text, style) {
    switch (style.textTransform) {
      case "uppercase": return text.toLocaleUpperCase(lang);
      case "lowercase": return text.toLocaleLowerCase(lang);
      case "capitalize": return text.replace(/(^|[\s\p{P}])(\p{L})/gu, (m, a, b) => a + b.toLocaleUpperCase(lang));
      default: return text;
    }
  }
  function invisible(el) {
    // Opacity is not inherited but hides the whole subtree; visibility is inherited, checked per text.
    for (let e = el; e; e = e.parentElement) if (parseFloat(getComputedStyle(e).opacity) === 0) return true;
    return false;
  }
  function textShown(node) {
    const style = getComputedStyle(node.parentElement);
    if (style.visibility !== "visible" || parseFloat(style.fontSize) === 0) return "";
    const range = document.createRange();
    range.selectNodeContents(node);
    const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
    if (!rects.length || invisible(node.parentElement)) return node.data.trim() ? "" : node.data;
    return transformed(node.data, style);
  }
  // The per-block walk of html/read.py, over what the browser renders.
  function walk(el, blocks, buffer, skip) {
    const tag = el.localName;
    if (silentTags.has(tag) || (skip && skip(el))) return;
    const style = getComputedStyle(el);
    if (style.display === "none" || style.contentVisibility === "hidden") return;
    const isBlock = blockTags.has(tag);
    if (isBlock) flush(blocks, buffer);
    if (tag === "br") buffer.push(" ");
    const shown = style.visibility === "visible" && !invisible(el);
    if (shown) buffer.push(generated(el, "::marker"), generated(el, "::before"));
    for (const child of el.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) buffer.push(textShown(child));
      else if (child.nodeType === Node.ELEMENT_NODE) walk(child, blocks, buffer, skip);
    }
    if (shown) buffer.push(generated(el, "::after"));
    // An image shows what its alt text says: a block of its own, if it is drawn (loaded, with a size).
    if (tag === "img" && shown && el.alt.trim() && el.complete && el.naturalWidth > 0 && el.getClientRects().length) {
      flush(blocks, buffer);
      blocks.push(el.alt.trim());
    }
    if (isBlock) flush(blocks, buffer);
  }
  function flush(blocks, buffer) {
    const text = buffer.join("").split(/\s+/).filter(Boolean).join(" ");
    if (text) blocks.push(text);
    buffer.length = 0;
  }
  function blocksOf(root, skip) {
    const blocks = [], buffer = [];
    if (root) walk(root, blocks, buffer, skip);
    flush(blocks, buffer);
    return blocks;
  }
  const main = document.querySelector("main");
  const furniture = (el) => el.hasAttribute("data-furniture");
  const inMain = (el) => el === main;
  const body = document.body || document.documentElement;
  return {
    rendered: blocksOf(main || body),
    outside: { rendered: main ? blocksOf(body, (el) => inMain(el) || furniture(el)) : [],
               furniture: [...document.querySelectorAll("[data-furniture]")].map((el) => el.textContent) },
    facts: {
      lang: document.documentElement.getAttribute("lang"),
      xmlLang: document.documentElement.getAttributeNS("http://www.w3.org/XML/1998/namespace", "lang"),
      title: document.title,
      abbrs: [...(main || body).querySelectorAll("abbr")].map((a) => [a.textContent, a.getAttribute("title")]),
      // A note's reference and back link are the notes' furniture (their marks are text, compared as such).
      links: [...document.querySelectorAll("a[href], area[href]")]
        .filter((a) => !["doc-noteref", "doc-backlink"].includes(a.getAttribute("role")))
        .map((a) => [a.textContent, a.getAttribute("href")]),
    },
  };
}

// What a screen reader announces: the accessibility tree's text leaves in order, per block.
async function spokenText(cdp, nodes) {
  const byId = new Map(nodes.map((n) => [n.nodeId, n]));
  // Each node's DOM tag, from one fetch of the whole DOM (pierce: iframes and shadow roots too).
  const tags = new Map();
  const { root: dom } = await cdp.send("DOM.getDocument", { depth: -1, pierce: true });
  const stack = [dom];
  while (stack.length) {
    const n = stack.pop();
    tags.set(n.backendNodeId, (n.localName || "").toLowerCase());
    stack.push(...(n.children || []), ...(n.shadowRoots || []), ...(n.contentDocument ? [n.contentDocument] : []));
  }
  // Elements followed in the DOM by white space. Chromium leaves that space out of the tree where a
  // right-to-left run ends the element (links "a שלום" and "b"), yet a screen reader announces the two
  // as separate objects, words apart; so the space is kept where the DOM has it. (CDP's DOM leaves
  // white-space text nodes out, so the elements are found in the page and named by backend id.)
  const spaceAfter = new Set();
  const { result: found } = await cdp.send("Runtime.evaluate", {
    expression: `[...document.querySelectorAll("body *")].filter((e) => {
      const next = e.nextSibling;
      return next && next.nodeType === 3 && /^\\s/.test(next.nodeValue);
    })`,
  });
  if (found.objectId) {
    const { result: items } = await cdp.send("Runtime.getProperties", { objectId: found.objectId, ownProperties: true });
    for (const item of items) {
      if (!/^\d+$/.test(item.name) || !item.value?.objectId) continue;
      const { node } = await cdp.send("DOM.describeNode", { objectId: item.value.objectId });
      spaceAfter.add(node.backendNodeId);
    }
    await cdp.send("Runtime.releaseObject", { objectId: found.objectId });
  }
  const tagOf = async (node) => tags.get(node.backendDOMNodeId) || "";
  const out = { main: [], outside: [] };
  const buffers = { main: [], outside: [] };
  function flush(where) {
    const text = buffers[where].join("").split(/\s+/).filter(Boolean).join(" ");
    if (text) out[where].push(text);
    buffers[where].length = 0;
  }
  async function visit(node, where) {
    const role = node.role?.value;
    const tag = await tagOf(node);
    if (role === "main" || tag === "main") where = "main";
    const isBlock = BLOCK_TAGS.has(tag);
    if (isBlock) flush(where);
    const name = node.name?.value ?? "";
    const fromAuthor = (node.name?.sources || []).some((s) => !s.superseded && s.value &&
      (s.attribute === "aria-label" || s.attribute === "aria-labelledby"));
    if (!node.ignored && fromAuthor && NAMED_BY_AUTHOR.has(role)) {
      buffers[where].push(" ", name, " "); // announced instead of the content
    } else if (!node.ignored && role === "image" && name.trim()) {
      flush(where); // an image is announced by its alt text, a block of its own
      buffers[where].push(name);
      flush(where);
    } else if (!node.ignored && (role === "StaticText" || role === "LineBreak")) {
      buffers[where].push(role === "LineBreak" ? " " : name);
    } else if (role === "ListMarker" && PLAIN_MARKER.test(name)) {
      // furniture: not text
    } else if (role === "ListMarker" && !node.ignored) {
      buffers[where].push(name);
    } else {
      for (const id of node.childIds || []) if (byId.has(id)) await visit(byId.get(id), where);
    }
    if (isBlock) flush(where);
    else if (spaceAfter.has(node.backendDOMNodeId)) buffers[where].push(" ");
  }
  const root = nodes.find((n) => !n.parentId);
  await visit(root, "outside");
  flush("main");
  flush("outside");
  return out;
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  let reply;
  try {
    reply = await read(JSON.parse(line).file);
  } catch (error) {
    reply = { error: String(error && error.stack || error) };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
}
await browser.close();

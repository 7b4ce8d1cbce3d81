/**
 * One self-contained HTML page of recipes: a table of contents, then a
 * section per recipe with its title, what it shows, the exact command, the
 * report it printed, and every figure (SVG inlined, images as data URLs)
 * with its caption and a link to its Vega-Lite spec. Nothing is fetched:
 * the page works from `file://` with no network.
 *
 * @module
 */
import { encodeBase64 } from "./_base64.ts";

/** One figure of a section. */
export interface GalleryFigure {
  caption: string;
  /** An SVG document (inlined). */
  svg?: string;
  /** A raster image (inlined as a data URL). */
  image?: { mime: string; bytes: Uint8Array };
  /** The Vega-Lite spec's path relative to the page, linked under the figure. */
  spec?: string;
}

/** One recipe's section. */
export interface GallerySection {
  /** Anchor id (the recipe's name). */
  id: string;
  title: string;
  /** What the recipe shows (plain text). */
  summary: string;
  command: string;
  /** The printed report, or undefined when none was captured. */
  report?: string;
  /** A label shown under the title (e.g. "quick run", "not run yet"). */
  note?: string;
  figures: GalleryFigure[];
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** An SVG document as an element to inline: no XML prolog or doctype. */
function inlineSvg(svg: string): string {
  return svg.replace(/^\s*<\?xml[^>]*>\s*/, "").replace(/<!DOCTYPE[^>]*>\s*/i, "");
}

const STYLE = `
body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 1rem 2rem; color: #222; }
h1 { margin-bottom: 0.2rem; }
nav ol { columns: 2; }
section { border-top: 1px solid #ddd; margin-top: 2rem; padding-top: 1rem; }
.note { display: inline-block; background: #fff3cd; border: 1px solid #e0c36a; border-radius: 4px; padding: 0 0.5rem; font-size: 0.9rem; }
pre { background: #f6f8fa; border: 1px solid #e1e4e8; border-radius: 4px; padding: 0.6rem; overflow-x: auto; font-size: 0.85rem; }
figure { display: inline-block; vertical-align: top; margin: 0.5rem 1rem 1rem 0; max-width: 100%; }
figure svg, figure img { max-width: 100%; height: auto; }
figcaption { font-size: 0.9rem; color: #555; max-width: 640px; }
`;

/**
 * The page's HTML.
 *
 * @example
 * ```ts
 * import { galleryHtml } from "./gallery.ts";
 * import assert from "node:assert/strict";
 * const html = galleryHtml([{ id: "kmeans", title: "k-means", summary: "Four groups.",
 *   command: "deno task kmeans", report: "inertia 250.7", figures: [] }], { title: "Cookbook" });
 * assert.match(html, /<a href="#kmeans">k-means<\/a>/);
 * assert.match(html, /<section id="kmeans">/);
 * ```
 * @param sections the recipes, in order.
 * @param o the page title, an optional line under it, an optional link
 *   back (e.g. to an index) above it, and whether to list the contents
 *   (default true).
 * @returns a complete HTML document.
 */
export function galleryHtml(
  sections: GallerySection[],
  o: { title: string; subtitle?: string; back?: { href: string; text: string }; toc?: boolean },
): string {
  const toc = sections.map((s) =>
    `<li><a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a>${
      s.note ? ` <span class="note">${escapeHtml(s.note.split(":")[0])}</span>` : ""
    }</li>`
  ).join("\n");
  const figure = (f: GalleryFigure) => {
    const body = f.svg
      ? inlineSvg(f.svg)
      : f.image
      ? `<img alt="${escapeHtml(f.caption)}" src="data:${f.image.mime};base64,${
        encodeBase64(f.image.bytes)
      }">`
      : "";
    const spec = f.spec ? ` (<a href="${escapeHtml(f.spec)}">Vega-Lite spec</a>)` : "";
    return `<figure>${body}<figcaption>${escapeHtml(f.caption)}${spec}</figcaption></figure>`;
  };
  const section = (s: GallerySection) =>
    [
      `<section id="${escapeHtml(s.id)}">`,
      `<h2>${escapeHtml(s.title)}</h2>`,
      s.note ? `<p><span class="note">${escapeHtml(s.note)}</span></p>` : "",
      `<p>${escapeHtml(s.summary)}</p>`,
      `<pre class="command">${escapeHtml(s.command)}</pre>`,
      s.report === undefined
        ? "<p><em>No report captured for this run.</em></p>"
        : `<details open><summary>Report</summary><pre class="report">${
          escapeHtml(s.report)
        }</pre></details>`,
      s.figures.length ? s.figures.map(figure).join("\n") : "<p><em>No figures yet.</em></p>",
      `</section>`,
    ].filter((l) => l !== "").join("\n");
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(o.title)}</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    o.back ? `<p><a href="${escapeHtml(o.back.href)}">${escapeHtml(o.back.text)}</a></p>` : "",
    `<h1>${escapeHtml(o.title)}</h1>`,
    o.subtitle ? `<p>${escapeHtml(o.subtitle)}</p>` : "",
    o.toc === false ? "" : `<nav><h2>Contents</h2><ol>\n${toc}\n</ol></nav>`,
    ...sections.map(section),
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

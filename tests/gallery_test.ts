/**
 * `deno task gallery` as a user runs it, then the page in headless Chromium
 * (tests/_browser.ts, over the DevTools protocol): no console errors, every
 * figure rendered at a non-zero size, every table-of-contents link resolves,
 * and a screenshot that is not blank. Without Chromium the test fails.
 */
import assert from "node:assert/strict";
import { decode } from "fast-png";
import { ROOT, runTask } from "./_recipes.ts";
import { browserTest, openPage } from "./_browser.ts";

const gallery = (args: string[]) => runTask("gallery", args);

interface PageCheck {
  sections: string[];
  figures: { section: string; width: number; height: number }[];
  brokenLinks: string[];
  specLinks: string[];
  notes: Record<string, string>;
  reports: number;
}

const CHECK = `(() => {
  const figures = [...document.querySelectorAll("figure")].map((f) => {
    const el = f.querySelector("svg, img");
    const r = el ? el.getBoundingClientRect() : { width: 0, height: 0 };
    return { section: f.closest("section").id, width: r.width, height: r.height };
  });
  const brokenLinks = [...document.querySelectorAll('nav a[href^="#"]')]
    .map((a) => a.getAttribute("href").slice(1))
    .filter((id) => !document.getElementById(id));
  const notes = {};
  for (const s of document.querySelectorAll("section")) {
    const n = s.querySelector(".note");
    if (n) notes[s.id] = n.textContent;
  }
  return {
    sections: [...document.querySelectorAll("section")].map((s) => s.id),
    figures,
    brokenLinks,
    specLinks: [...document.querySelectorAll("figcaption a")].map((a) => a.getAttribute("href")),
    notes,
    reports: document.querySelectorAll("pre.report").length,
  };
})()`;

const CLASSICAL = [
  "kmeans",
  "vector_quantization",
  "agglomerative",
  "silhouette",
  "dbscan",
  "stock_market",
  "customer_segmentation",
  "kmeans_steps",
  "compare_clustering",
];

browserTest(
  "gallery: one self-contained page that renders in Chromium with every classical figure",
  async () => {
    const out = "out/test-fixtures/gallery";
    await Deno.remove(`${ROOT}/${out}`, { recursive: true }).catch(() => {});
    const r = await gallery(["--out", out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /gallery: \[1\/16\] kmeans: ran/);
    assert.match(r.stdout, new RegExp(`gallery: wrote ${out}/index.html`));
    const html = Deno.readTextFileSync(`${ROOT}/${out}/index.html`);
    // Self-contained: nothing to fetch.
    assert.doesNotMatch(html, /<script|<link|src="https?:|href="https?:/);

    const page = await openPage(
      `file://${ROOT}/${out}/index.html`,
      `${ROOT}/out/test-fixtures/chromium`,
    );
    try {
      const c = await page.evaluate<PageCheck>(CHECK);
      assert.deepEqual(page.errors, []);
      assert.equal(c.sections.length, 16);
      assert.deepEqual(c.sections.slice(0, 3), ["kmeans", "vector_quantization", "agglomerative"]);
      assert.deepEqual(c.brokenLinks, []);
      for (const name of CLASSICAL) {
        const figs = c.figures.filter((f) => f.section === name);
        assert.ok(figs.length > 0, `${name} has figures`);
        for (const f of figs) {
          assert.ok(f.width > 50 && f.height > 50, `${name}: ${f.width}x${f.height}`);
        }
        assert.equal(c.notes[name], undefined, `${name} ran`);
      }
      assert.equal(c.reports, CLASSICAL.length);
      assert.match(c.notes.dec, /not run yet: run deno task dec/);
      assert.match(c.notes.n2d, /not run yet: run deno task n2d/);
      for (const link of c.specLinks) {
        assert.ok(Deno.statSync(`${ROOT}/${out}/${link}`).isFile, link);
      }
      const png = await page.screenshot();
      Deno.writeFileSync(`${ROOT}/${out}/screenshot.png`, png);
      const img = decode(png);
      assert.ok(img.width >= 1000 && img.height > 2000, `${img.width}x${img.height}`);
      const colors = new Set<number>();
      for (let i = 0; i < img.data.length; i += img.channels * 97) {
        colors.add((img.data[i] << 16) | (img.data[i + 1] << 8) | img.data[i + 2]);
      }
      assert.ok(colors.size > 50, `only ${colors.size} colours: blank?`);
    } finally {
      await page.close();
    }
  },
);

Deno.test("gallery --quick runs a neural recipe small and labels it", async () => {
  const out = "out/test-fixtures/gallery-quick";
  const r = await gallery(["--quick", "--only", "autoencoder_features", "--out", out]);
  assert.equal(r.code, 0, r.stderr);
  const html = Deno.readTextFileSync(`${ROOT}/${out}/index.html`);
  assert.match(html, /quick run: --epochs 5/);
  assert.match(html, /Test accuracy: raw features 0\.8939/);
  assert.match(html, /<svg/);
  const bad = await gallery(["--only", "nope", "--out", out]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /gallery: error: Cannot build the gallery as there is no recipe nope/);
});

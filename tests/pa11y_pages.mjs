// pa11y (HTML_CodeSniffer runner, WCAG 2 AA) over many pages in one Chromium, as pa11y-ci would.
// Reads [{"url": "...", "actions": ["wait for element ... to be added", ...]}] on standard input and
// prints {"<url>": [{"code", "selector", "message", "context"}, ...]} (errors only) on standard output.
// CHROMIUM names the browser to launch: the tests pass Debian's /usr/bin/chromium (pa11y's own
// puppeteer downloads none, `make npm` installs it with PUPPETEER_SKIP_DOWNLOAD).
import { readFileSync } from "node:fs";
import pa11y from "pa11y";
import puppeteer from "puppeteer";

const pages = JSON.parse(readFileSync(0, "utf8"));
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const errors = {};
try {
  for (const { url, actions = [] } of pages) {
    const result = await pa11y(url, { browser, runners: ["htmlcs"], standard: "WCAG2AA", actions, timeout: 60000 });
    errors[url] = result.issues
      .filter((issue) => issue.type === "error")
      .map(({ code, selector, message, context }) => ({ code, selector, message, context }));
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(errors, null, 1) + "\n");

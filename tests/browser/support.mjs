// Shared set-up for the browser tests: a fresh onewindow (demo data, its own
// SQLite file and port) and Debian's Chromium driven by playwright-core.
// Screenshots go to target/browser-screenshots/ for a developer to look at.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '..', '..');
export const screenshotDir = join(root, 'target', 'browser-screenshots');
mkdirSync(screenshotDir, { recursive: true });

const binary = process.env.ONEWINDOW_BIN ?? join(root, 'target', 'debug', 'onewindow');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Starts `onewindow demo` on a free port with a fresh data directory. */
export async function startServer() {
  const dataDir = mkdtempSync(join(tmpdir(), 'onewindow-browser-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(binary, ['demo', '--listen', `127.0.0.1:${port}`], {
    env: { ...process.env, ONEWINDOW_DATA_DIR: dataDir, ONEWINDOW_DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) {
        return { base, dataDir, output: () => output, stop: () => stop(child, dataDir) };
      }
    } catch { /* not up yet */ }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  stop(child, dataDir);
  throw new Error(`onewindow did not start:\n${output}`);
}

function stop(child, dataDir) {
  child.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
}

/** Launches headless Chromium with the flags this closed network needs. */
export async function launchBrowser() {
  // Playwright gives each launch a fresh temporary profile of its own.
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  return browser;
}

/** A phone-sized page (iPhone 12-like) and a desktop page. */
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' };
export const DESKTOP = { viewport: { width: 1280, height: 900 }, locale: 'zh-CN' };

/** Saves a full-page screenshot under target/browser-screenshots/. */
export async function shot(page, name) {
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

/** True when the page is wider than the viewport (it would scroll sideways on a phone). */
export async function overflowsSideways(page) {
  // Compared with the device's width, not window.innerWidth: on a phone the
  // layout viewport widens to fit content that overflows.
  const { width } = page.viewportSize();
  return page.evaluate((w) => document.documentElement.scrollWidth > w + 1, width);
}

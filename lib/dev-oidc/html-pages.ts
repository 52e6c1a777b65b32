/**
 * The few pages the development OpenID provider shows a person: sign-in, sign-out and errors.
 * Self-contained HTML with inline CSS, because the provider runs without the console's assets
 * and must never reach the internet (no web fonts, no CDN).
 */

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const STYLE = `
  *{box-sizing:border-box}
  body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;
    font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f5f7;color:#1f2328}
  main{width:100%;max-width:380px;margin:24px;padding:32px;background:#fff;border-radius:12px;
    box-shadow:0 1px 3px rgba(0,0,0,.08),0 8px 24px rgba(0,0,0,.06)}
  h1{margin:0 0 4px;font-size:20px;font-weight:600}
  .lede{margin:0 0 24px;color:#59636e;font-size:14px}
  label{display:block;margin:16px 0 6px;font-weight:500;font-size:14px}
  input{width:100%;padding:9px 11px;font:inherit;border:1px solid #d0d7de;border-radius:6px}
  input:focus{outline:2px solid #0969da;outline-offset:-1px;border-color:#0969da}
  button{width:100%;margin-top:24px;padding:10px;font:inherit;font-weight:600;color:#fff;
    background:#1f6feb;border:0;border-radius:6px;cursor:pointer}
  button:hover{background:#1a5fd0}
  .error{margin:16px 0 0;padding:8px 12px;color:#82071e;background:#ffebe9;border:1px solid #ffcecb;border-radius:6px;font-size:14px}
  .hint{margin:24px 0 0;padding-top:16px;border-top:1px solid #eaeef2;color:#59636e;font-size:13px}
  .hint ul{margin:6px 0 0;padding-left:18px}
  code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}
`;

function renderLayout(title: string, body: string, script = ""): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)}</title>
  <style>${STYLE}</style>
</head>
<body>
  <main>
${body}
  </main>${script ? `\n  <script>${script}</script>` : ""}
</body>
</html>`;
}

export type LoginPageOptions = {
  /** Where the form posts to. */
  action: string;
  /** Emails shown in the hint, so nobody has to look them up. */
  demoEmails: readonly string[];
  /** Pre-filled after a failed attempt, or from the client's `login_hint`. */
  email?: string;
  error?: string;
};

export function renderLoginPage({ action, demoEmails, email = "", error }: LoginPageOptions): string {
  // The error sits right under the fields it is about and is announced by screen readers.
  const errorHtml = error ? `      <p class="error" id="sign-in-error" role="alert">${escapeHtml(error)}</p>\n` : "";
  const describedBy = error ? ` aria-describedby="sign-in-error"` : "";
  return renderLayout(
    "Warden demo sign-in",
    `    <h1>Warden demo sign-in</h1>
    <p class="lede">Local development identity provider.</p>
    <form method="post" action="${escapeHtml(action)}" novalidate>
      <label for="email">Email</label>
      <input id="email" name="email" type="email" autocomplete="username" required value="${escapeHtml(email)}"${describedBy}${email ? "" : " autofocus"}>
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required${describedBy}${email ? " autofocus" : ""}>
${errorHtml}      <button type="submit">Sign in</button>
    </form>
    <div class="hint">
      Demo users (the password is printed where <code>npm start</code> runs):
      <ul>
${demoEmails.map((demoEmail) => `        <li><code>${escapeHtml(demoEmail)}</code></li>`).join("\n")}
      </ul>
    </div>`,
  );
}

export function renderMessagePage(title: string, message: string): string {
  return renderLayout(title, `    <h1>${escapeHtml(title)}</h1>\n    <p class="lede">${escapeHtml(message)}</p>`);
}

/**
 * The sign-out step. `form` is oidc-provider's own form (it carries the anti-CSRF token); we add
 * `logout=yes` so the whole provider session ends, not only the console's grant, which lets the
 * next sign-in pick another demo user. When a known client asked for the sign-out, the form
 * submits itself, so there is no extra confirmation click; otherwise a person confirms.
 */
export function renderLogoutPage(form: string, isAutoSubmit: boolean): string {
  const fullLogoutForm = form.replace("</form>", `<input type="hidden" name="logout" value="yes"/></form>`);
  const button = `<button type="submit" form="op.logoutForm">Sign out</button>`;
  return renderLayout(
    "Sign out",
    `    <h1>Sign out</h1>
    <p class="lede">${isAutoSubmit ? "Signing you out…" : "Sign out of the Warden demo identity provider?"}</p>
    ${fullLogoutForm}
    ${isAutoSubmit ? `<noscript>${button}</noscript>` : button}`,
    isAutoSubmit ? `document.forms[0].submit();` : "",
  );
}

// Inline replies: one form, kept in a <template>, is opened under the comment being answered.
// Without JavaScript the reply link opens the reply page instead.
document.addEventListener("click", (event) => {
  const link = event.target.closest(".reply-link");
  const template = document.getElementById("reply-form-template");
  if (link && template) {
    event.preventDefault();
    document.querySelectorAll(".comments .reply-form").forEach((form) => form.remove());
    const form = template.content.firstElementChild.cloneNode(true);
    // The parent's id is in its element's ("comment-123"), not repeated on every reply link.
    form.querySelector("input[name=parent]").value = link.closest("li.comment").id.slice(8);
    link.closest(".actions").after(form);
    form.querySelector("textarea").focus();
    return;
  }
  if (event.target.closest(".cancel-reply")) {
    event.target.closest(".reply-form").remove();
  }
});

// Moderators' tools: one form, kept in a <template>, opened under the comment being moderated,
// offering the actions its state allows. Without JavaScript the "Moderate" link opens the
// comment in the admin site, which has the same actions.
document.addEventListener("click", (event) => {
  const link = event.target.closest(".mod-open");
  const template = document.getElementById("mod-form-template");
  if (link && template) {
    event.preventDefault();
    document.querySelectorAll(".comments .mod-form").forEach((form) => form.remove());
    const form = template.content.firstElementChild.cloneNode(true);
    const { comment, state, author } = link.dataset;
    const url = (action) => form.dataset.url.replace("/0/hide/", `/${comment}/${action}/`);
    form.action = url("hide");
    form.querySelector("input[name=next]").value =
      `${location.pathname}${location.search}#comment-${comment}`;
    form.querySelectorAll("button[data-action]").forEach((button) => {
      let allowed = "branch" in link.dataset;
      if (button.dataset.states) allowed = button.dataset.states.split(" ").includes(state);
      if (button.dataset.pin) allowed = button.dataset.pin === link.dataset.pin;
      if (allowed) {
        button.formAction = url(button.dataset.action);
      } else {
        button.remove();
      }
    });
    const authorLink = form.querySelector(".mod-author");
    if (author) {
      authorLink.href = form.dataset.userUrl.replace("/0/", `/${author}/`);
    } else {
      authorLink.remove();
    }
    link.closest(".mod-tools").after(form);
    form.querySelector("input[name=reason]").focus();
    return;
  }
  if (event.target.closest(".mod-cancel")) {
    event.target.closest(".mod-form").remove();
    }
  });

// "Load more comments": fetch the next page of threads and append them in place. Without
// JavaScript (or if the fetch fails) the link simply opens that page.
document.addEventListener("click", async (event) => {
  const link = event.target.closest("a.load-more");
  if (!link || event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey) {
    return;
  }
  event.preventDefault();
  const more = link.closest(".thread-more");
  more.setAttribute("aria-busy", "true");
  try {
    const response = await fetch(link.href, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const threads = page.querySelector("#comments ol.thread");
    document.querySelector("#comments ol.thread").append(...(threads ? threads.children : []));
    const next = page.querySelector("#comments .thread-more");
    if (next) more.replaceWith(document.adoptNode(next));
    else more.remove();
  } catch (error) {
    window.location.assign(link.href);
  }
});

// Votes in place: every vote button submits the one #vote-form with its comment's id as the
// value of "up" or "down". Sent with fetch, the answer (JSON) updates the score and the pressed
// button; without JavaScript (or if the fetch fails) the form is posted and the page comes back
// at the comment.
document.addEventListener("submit", async (event) => {
  const form = event.target;
  const button = event.submitter;
  if (form.id !== "vote-form" || !button || !button.closest(".vote")) return;
  event.preventDefault();
  const data = new FormData(form, button);
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    const answer = await response.json();
    const votes = button.closest(".vote");
    votes.querySelector(".vote-message")?.remove();
    if (!response.ok) {
      const message = document.createElement("span");
      message.className = "vote-message";
      message.setAttribute("role", "status");
      message.textContent = answer.error || "Your vote was not counted.";
      votes.append(message);
      return;
    }
    const comment = button.closest("li.comment");
    const score = comment.querySelector(":scope > details > summary .score");
    if (score && score.textContent !== "\u2022") {
      score.textContent = answer.score === 1 ? "1 point" : `${answer.score} points`;
    }
    votes.querySelectorAll("button").forEach((other) => {
      const value = other.name === "up" ? 1 : -1;
      other.setAttribute("aria-pressed", String(answer.vote === value));
    });
  } catch (error) {
    // form.submit() leaves out the button's own name and value: carry them in the form.
    const vote = document.createElement("input");
    Object.assign(vote, { type: "hidden", name: button.name, value: button.value });
    form.append(vote);
    form.submit();
  }
});

// Live preview: while a comment form is being typed in, its text as it would be posted appears
// under it (the server renders and sanitises it, as posting does). Without JavaScript the
// Preview button shows the same, on a page of its own.
let previewTimer;
document.addEventListener("input", (event) => {
  const form = event.target.closest("form.comment-form");
  if (!form || event.target.name !== "body" || !form.dataset.previewUrl) return;
  clearTimeout(previewTimer);
  previewTimer = setTimeout(async () => {
    const box = form.querySelector(".preview");
    const data = new FormData(form);
    data.delete("preview");
    try {
      const response = await fetch(form.dataset.previewUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
      });
      const result = await response.json();
      if (!result.html) return;
      const page = new DOMParser().parseFromString(result.html, "text/html");
      const note = document.createElement("p");
      note.className = "meta";
      note.textContent = "Preview: not posted yet.";
      box.replaceChildren(note, ...page.body.childNodes);
      box.hidden = false;
    } catch (error) {
      // A failed preview changes nothing: the Preview button still works.
    }
  }, 400);
});

// Quote: in an inline reply form, put the text of the comment being answered (or the part of
// it the reader selected) in the reply as a Markdown quote.
document.addEventListener("click", (event) => {
  const button = event.target.closest(".quote-parent");
  if (!button) return;
  const form = button.closest(".reply-form");
  const comment = form.closest(".comment");
  const body = comment && comment.querySelector(".body");
  if (!body) return;
  const selected = window.getSelection().toString().trim();
  const text = selected && body.contains(window.getSelection().anchorNode) ? selected : body.innerText;
  const quote = text.trim().split("\n").map((line) => `> ${line}`.trimEnd()).join("\n");
  const textarea = form.querySelector("textarea[name=body]");
  textarea.value = `${quote}\n\n${textarea.value}`;
  textarea.focus();
});

// Destructive actions ask first. With JavaScript the question is a dialog and the form is sent
// confirmed; without it the server answers with a page asking the same question.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-confirm]");
  if (!button) return;
  if (!window.confirm(button.dataset.confirm)) {
    event.preventDefault();
    return;
  }
  const form = button.form;
  if (!form.querySelector("input[name=confirmed]")) {
    const confirmed = document.createElement("input");
    confirmed.type = "hidden";
    confirmed.name = "confirmed";
    confirmed.value = "yes";
    form.append(confirmed);
  }
});

// Times as "3 hours ago", the absolute time kept as the title (README "Notifications"). Only
// for a <time datetime> that has a time of day; read once when the page (or a loaded page of
// comments) arrives.
const relativeUnits = [
  ["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400],
  ["hour", 3600], ["minute", 60],
];
function relativeTimes(root) {
  const format = new Intl.RelativeTimeFormat(document.documentElement.lang || "en", { numeric: "auto" });
  for (const time of root.querySelectorAll("time[datetime*='T']:not([data-relative])")) {
    const seconds = (Date.parse(time.dateTime) - Date.now()) / 1000;
    if (Number.isNaN(seconds)) continue;
    const [unit, size] = relativeUnits.find(([, s]) => Math.abs(seconds) >= s) || ["minute", 60];
    time.title = time.textContent;
    time.textContent = Math.abs(seconds) < 60 ? "just now" : format.format(Math.round(seconds / size), unit);
    time.dataset.relative = "";
  }
}
relativeTimes(document);
// Pages of comments appended by "Load more" get theirs too.
new MutationObserver((mutations) => {
  for (const mutation of mutations) {
    for (const node of mutation.addedNodes) if (node.nodeType === Node.ELEMENT_NODE) relativeTimes(node);
  }
}).observe(document.body, { childList: true, subtree: true });

// "Next new comment": jumps from one comment marked new since the reader's last visit to the
// next, opening collapsed threads on the way.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a.next-new");
  if (!link) return;
  const marks = [...document.querySelectorAll(".comment .new-badge")];
  if (!marks.length) return;
  event.preventDefault();
  const next = Number(link.dataset.index || 0) % marks.length;
  link.dataset.index = String(next + 1);
  const comment = marks[next].closest(".comment");
  for (let d = comment.closest("details"); d; d = d.parentElement.closest("details")) d.open = true;
  comment.scrollIntoView({ block: "start" });
  history.replaceState(null, "", `#${comment.id}`);
});
for (const link of document.querySelectorAll("a.next-new")) {
  const count = document.querySelectorAll(".comment .new-badge").length;
  if (count) {
    link.hidden = false;
    link.textContent = `Next new comment (${count} new) \u2193`;
  }
}

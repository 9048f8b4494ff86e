// Inline replies: one form, kept in a <template>, is opened under the comment being answered.
// Without JavaScript the reply link opens the reply page instead.
document.addEventListener("click", (event) => {
  const link = event.target.closest(".reply-link");
  const template = document.getElementById("reply-form-template");
  if (link && template) {
    event.preventDefault();
    document.querySelectorAll(".comments .reply-form").forEach((form) => form.remove());
    const form = template.content.firstElementChild.cloneNode(true);
    form.querySelector("input[name=parent]").value = link.dataset.parent;
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
      const allowed = button.dataset.states
        ? button.dataset.states.split(" ").includes(state)
        : "branch" in link.dataset;
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

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

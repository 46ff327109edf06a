/*
 * A live count beside each text box or area with a data-limit: how many characters
 * it has of how many fit. It only warns as you type: the server refuses an
 * over-long value on its own, and nothing typed is ever cut.
 */
"use strict";
{
  function showCount(input) {
    const limit = Number(input.dataset.limit);
    const count = document.createElement("span");
    count.className = "character-count";
    count.id = `${input.id}_count`;
    input.after(count);
    const described = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", described ? `${described} ${count.id}` : count.id);
    const update = () => {
      // Code points, as the server counts them.
      const used = Array.from(input.value).length;
      const over = used - limit;
      count.textContent =
        over > 0 ? `${used} / ${limit}: ${over} too many` : `${used} / ${limit}`;
      count.classList.toggle("over-limit", over > 0);
    };
    input.addEventListener("input", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("input[data-limit], textarea[data-limit]").forEach(showCount);
  });
}

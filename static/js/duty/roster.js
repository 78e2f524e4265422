// The roster page: "Copy" puts a person's link on the clipboard (falls back to selecting it).
for (const button of document.querySelectorAll("[data-copy]")) {
  button.addEventListener("click", async () => {
    const input = document.getElementById(button.dataset.copy);
    input.select();
    try {
      await navigator.clipboard.writeText(input.value);
      button.textContent = "✓";
    } catch {
      document.execCommand("copy"); // older WebViews (WeChat) have no async clipboard
    }
  });
}

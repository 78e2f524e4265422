// The page of a background export: asks for its progress every 1.5 s, and shows the download
// (by loading the page again) once it is ready or failed. Without JavaScript, "Refresh" does it.
const box = document.querySelector("[data-job-status]");
const bar = document.querySelector("[data-job-progress]");

async function follow() {
  try {
    const answer = await fetch(box.dataset.jobStatus, { headers: { Accept: "application/json" } });
    if (!answer.ok) return;
    const job = await answer.json();
    if (job.status === "done" || job.status === "failed") {
      location.reload();
      return;
    }
    bar.value = job.percent;
    bar.textContent = `${job.percent} %`;
    document.querySelector("[data-job-label]").textContent = job.label;
    document.querySelector("[data-job-rows]").textContent = job.rows_done.toLocaleString();
  } finally {
    setTimeout(follow, 1500);
  }
}

if (box && bar) setTimeout(follow, 1500);

// The PDF report job page: ask the status endpoint every 1.5 s and show the progress; once the
// job is ready or failed, reload the page, which then offers the download (or "try again").
// Without JavaScript the page refreshes itself (<noscript> meta refresh).
(function () {
  "use strict";
  const box = document.getElementById("report-job");
  if (!box) return;
  const state = box.dataset.status;
  if (state === "ready" || state === "failed") return;
  const message = document.getElementById("report-job-message");
  const progress = document.getElementById("report-job-progress");

  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function (job) {
        if (job.status === "ready" || job.status === "failed") {
          window.location.reload();
          return;
        }
        if (message.textContent !== job.message) message.textContent = job.message;
        if (progress) progress.value = job.step;
        window.setTimeout(poll, 1500);
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }
  window.setTimeout(poll, 1000);
})();

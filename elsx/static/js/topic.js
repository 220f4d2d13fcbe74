/* Topic block: opens sections, submits the knowledge check, saves the reflection, sends heartbeats. */
function ElsxTopic(runtime, element, args) {
  "use strict";
  var common = window.ElsxCommon;
  var root = common.domElement(element).querySelector(".elsx-topic") || common.domElement(element);
  var handlerElement = common.domElement(element);

  function apply(body) {
    common.fill(root, "status", body.status_html);
    common.fill(root, "checklist", body.checklist_html);
    if (body.time_html) { common.fill(root, "time", body.time_html); }
    (body.sections_viewed || []).forEach(markRead);
    common.announceProgress();
  }

  /* Every action is queued and sent one at a time, in order; none is dropped. A network failure
     or a 5xx/429 is retried with backoff (1, 2, 4, 8 s); after that the queue waits, keeping the
     action, until the next action or the browser comes back online. A 4xx is the server's answer. */
  var queue = [];
  var sending = false;
  var RETRY_DELAYS_MS = [1000, 2000, 4000, 8000];
  function send(handler, data, onDone, onRefused) {
    queue.push({handler: handler, data: data, onDone: onDone, onRefused: onRefused, tries: 0});
    pump();
  }
  function pump() {
    if (sending || !queue.length) { return; }
    sending = true;
    var job = queue[0];
    function retry() {
      if (job.tries >= RETRY_DELAYS_MS.length) { sending = false; common.showError(root, null); return; }
      window.setTimeout(function () { sending = false; pump(); }, RETRY_DELAYS_MS[job.tries]);
      job.tries += 1;
    }
    common.post(runtime, handlerElement, job.handler, job.data).then(function (reply) {
      if (!reply.ok && (reply.status >= 500 || reply.status === 429)) { retry(); return; }
      queue.shift();
      sending = false;
      job.tries = 0;
      if (reply.ok) {
        if (!queue.length) { common.clearError(root); }
        apply(reply.body);
        if (job.onDone) { job.onDone(reply.body); }
      } else if (!job.onRefused || !job.onRefused(reply.body)) {
        common.showError(root, reply.body.error);
      }
      pump();
    }, retry);
  }
  window.addEventListener("online", function () { queue.forEach(function (job) { job.tries = 0; }); pump(); });

  function setSectionState(details, state) {
    details.setAttribute("data-state", state);
    var mark = common.region(root, "read-" + details.getAttribute("data-section-id"));
    if (mark) { mark.setAttribute("data-state", state); }
  }
  function markRead(id) {
    var details = root.querySelector('details.elsx-section[data-section-id="' + id + '"]');
    if (details) { setSectionState(details, "read"); }
  }
  Array.prototype.forEach.call(root.querySelectorAll("details.elsx-section"), function (details) {
    details.addEventListener("toggle", function () {
      if (!details.open || details.getAttribute("data-state") !== "unread") { return; }
      setSectionState(details, "reading");
      send("view_section", {section: details.getAttribute("data-section-id")}, function (body) {
        // Read at once only where no reading time is asked for; else heartbeats with it open make it read.
        if ((body.sections_viewed || []).indexOf(details.getAttribute("data-section-id")) >= 0) {
          setSectionState(details, "read");
        }
      });
    });
  });

  // The checklist's links to what is missing: open the section (which counts it) and focus it.
  root.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-goto]");
    if (!link) { return; }
    var target = root.querySelector("#" + link.getAttribute("data-goto"));
    if (!target) { return; }
    event.preventDefault();
    if (target.tagName === "DETAILS") { target.open = true; }
    var focusable = target.tagName === "DETAILS" ? target.querySelector("summary")
      : target.tagName === "FIELDSET" ? target.querySelector("input") : target;
    target.scrollIntoView({block: "start"});
    focusable.focus({preventScroll: true});
  });

  /* A refused form's message goes at the form, and the fields it names are marked and described by it. */
  function markField(field, box, invalid) {
    var ids = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (id) {
      return id && id !== box.id;
    });
    if (invalid) { ids.push(box.id); field.setAttribute("aria-invalid", "true"); } else { field.removeAttribute("aria-invalid"); }
    if (ids.length) { field.setAttribute("aria-describedby", ids.join(" ")); } else { field.removeAttribute("aria-describedby"); }
  }
  function formError(box, fields, message, links) {
    Array.prototype.forEach.call(root.querySelectorAll('[aria-describedby~="' + box.id + '"]'), function (field) {
      markField(field, box, false);
    });
    box.textContent = "";
    box.hidden = !message;
    if (!message) { return; }
    var text = document.createElement("p");
    text.textContent = message;
    box.appendChild(text);
    if (links && links.length) {
      var list = document.createElement("ul");
      links.forEach(function (link) {
        var item = document.createElement("li");
        var anchor = document.createElement("a");
        anchor.href = "#" + link.target;
        anchor.setAttribute("data-goto", link.target);
        anchor.textContent = link.label;
        item.appendChild(anchor);
        list.appendChild(item);
      });
      box.appendChild(list);
    }
    fields.forEach(function (field) { markField(field, box, true); });
    box.focus();
  }

  var check = common.region(root, "check");
  var checkError = common.region(root, "check-error");
  check.addEventListener("change", function (event) {  // an answered question is no longer marked
    var fieldset = event.target.closest("fieldset[aria-invalid]");
    if (fieldset) { markField(fieldset, checkError, false); }
  });
  check.addEventListener("submit", function (event) {
    event.preventDefault();
    var answers = {};
    Array.prototype.forEach.call(check.querySelectorAll("fieldset[data-question-id]"), function (fieldset) {
      var chosen = fieldset.querySelector("input[type=radio]:checked");
      if (chosen) { answers[fieldset.getAttribute("data-question-id")] = chosen.value; }
    });
    send("submit_check", {answers: answers}, function (body) {
      formError(checkError, [], null);
      Object.keys(body.feedback_html || {}).forEach(function (qid) {
        common.fill(root, "feedback-" + qid, body.feedback_html[qid]);
      });
      var result = common.fill(root, "result", body.result_html);
      if (result) { result.focus(); }
    }, function (body) {
      var labels = body.unanswered_labels || {};
      var fieldsets = (body.unanswered || []).map(function (qid) {
        return check.querySelector('fieldset[data-question-id="' + qid + '"]');
      }).filter(Boolean);
      formError(checkError, fieldsets, body.error, fieldsets.map(function (fieldset) {
        return {target: fieldset.id, label: labels[fieldset.getAttribute("data-question-id")] || fieldset.id};
      }));
      return true;
    });
  });

  var reflection = common.region(root, "reflection");
  var textarea = reflection.querySelector("textarea");
  var counter = common.region(root, "count");
  var reflectionError = common.region(root, "reflection-error");
  var words = common.region(root, "word-count");
  function count() {
    if (counter) { counter.textContent = "(" + textarea.value.length + ")"; }
    // Same rule as elsx.reflection.count: runs of non-space characters.
    if (words) {
      var n = textarea.value.split(/\s+/).filter(Boolean).length;
      words.textContent = words.getAttribute("data-template").replace("__N__", String(n));
    }
  }
  textarea.addEventListener("input", count);
  count();
  reflection.addEventListener("submit", function (event) {
    event.preventDefault();
    send("save_reflection", {text: textarea.value}, function (body) {
      formError(reflectionError, [], null);
      if (body.review_html) { common.fill(root, "review", body.review_html); }
      var saved = common.fill(root, "saved", body.saved_html);
      if (saved) { saved.focus(); }
    }, function (body) {
      formError(reflectionError, [textarea], body.error);
      return true;
    });
  });

  // Heartbeats go straight out, not through the action queue: a lost one is simply not credited,
  // and the next is credited from the last that arrived (docs/engagement.md).
  function heartbeat() {
    var open = root.querySelector("details.elsx-section[open]");
    var data = {sent_at: Date.now()};
    if (open) { data.section = open.getAttribute("data-section-id"); }
    common.post(runtime, handlerElement, "heartbeat", data).then(function (reply) {
      if (!reply.ok) { return; }
      if (reply.body.status_html) { apply(reply.body); } else if (reply.body.time_html) { common.fill(root, "time", reply.body.time_html); }
      (reply.body.sections_read || []).forEach(markRead);
    }, function () { /* offline: nothing to do */ });
  }
  window.ElsxEngagement.configure(((args && args.heartbeatSeconds) || 30) * 1000,
                                  ((args && args.idleSeconds) || 300) * 1000);
  window.ElsxEngagement.register({root: root, beat: heartbeat});
  /* Case studies and the capstone plan live in activities.js. */
  if (window.ElsxTopicActivities) { window.ElsxTopicActivities(runtime, element, root); }
}

/* One heartbeat per period for the whole page: only while the page is visible and the learner used
   keyboard, pointer, scroll or touch within the idle cutoff, or media plays; sent by the topic most in
   view, so a page showing all ten topics credits the one being read. */
window.ElsxEngagement = window.ElsxEngagement || (function () {
  "use strict";
  var topics = [], timer = null, lastInput = Date.now();
  var config = {period: 30000, idle: 300000};
  function noteInput() { lastInput = Date.now(); }
  ["keydown", "pointerdown", "pointermove", "wheel", "scroll", "touchstart"].forEach(function (name) {
    document.addEventListener(name, noteInput, {passive: true, capture: true});
  });
  function mediaPlaying() {
    return Array.prototype.some.call(document.querySelectorAll(".elsx-topic video, .elsx-topic audio"),
      function (media) { return !media.paused && !media.ended; });
  }
  function shown(topic) {
    var box = topic.root.getBoundingClientRect();
    return Math.max(0, Math.min(box.bottom, window.innerHeight) - Math.max(box.top, 0));
  }
  function active() {
    return document.visibilityState === "visible" && (Date.now() - lastInput <= config.idle || mediaPlaying());
  }
  function tick() {
    if (!active() || !topics.length) { return; }
    var best = topics.reduce(function (a, b) { return shown(b) > shown(a) ? b : a; });
    if (shown(best) > 0) { best.beat(); }
  }
  function start() {
    if (timer) { window.clearInterval(timer); }
    timer = window.setInterval(tick, config.period);
  }
  return {
    register: function (topic) { topics.push(topic); if (!timer) { start(); } },
    configure: function (period, idle) { config.period = period; config.idle = idle; if (timer) { start(); } },
    active: active,
    tick: tick
  };
}());

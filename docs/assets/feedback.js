// The feedback form opens the reader's own mail program with a prepared message.
// Nothing is sent by the site; without JavaScript the form and the plain link still work.
(function () {
  var form = document.getElementById("policy-feedback-form");
  if (!form) return;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var topic = form.elements.topic.value;
    var message = form.elements.body.value;
    var subject = form.dataset.subject + ": " + topic;
    var body = message + "\n\n---\n" + form.dataset.context;
    window.location.href = "mailto:" + form.dataset.email +
      "?subject=" + encodeURIComponent(subject) + "&body=" + encodeURIComponent(body);
  });
})();

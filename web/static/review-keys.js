// Keyboard shortcuts of a review item's page (/nhanvien/xem-lai/<id>): 1–5 choose that answer
// and move on to the next doubtful question, N chooses "not applicable", the up and down
// arrows move between the questions, the right arrow skips to the next item. The page works
// without it: the radios, the buttons and the "next item" link are plain HTML.
// The key answers the question that holds the focus, else the first one not answered yet.
// Nothing happens while a text field has the keys, nor with Ctrl, Alt or Meta held; on a
// radio the arrows keep their own meaning (the next answer of its question).
(function () {
  var questions = Array.prototype.slice.call(document.querySelectorAll("fieldset[data-question]"));
  var next = document.querySelector("a[data-next-item]");
  var form = questions.length ? questions[0].form : null;
  var changed = false;
  var hint = document.getElementById("phim-tat");
  if (hint) hint.hidden = false;
  questions.forEach(function (question) { question.tabIndex = -1; });
  if (form) form.addEventListener("change", function () { changed = true; });

  function typing(target) {
    var tag = target.tagName;
    if (target.isContentEditable || tag === "TEXTAREA" || tag === "SELECT") return true;
    return tag === "INPUT" && target.type !== "radio" && target.type !== "checkbox";
  }

  function current() {
    var holding = questions.filter(function (question) { return question.contains(document.activeElement); });
    if (holding.length) return holding[0];
    var open = questions.filter(function (question) { return !question.querySelector("input:checked"); });
    return open[0] || null; // every one answered and none focused: a digit changes nothing
  }

  function moveFrom(question, step) {
    var target = questions[questions.indexOf(question) + step];
    if (target) target.focus();
    else if (step > 0 && form) form.querySelector("button[type=submit]").focus();
  }

  function choose(value) {
    var question = current();
    var radio = question && question.querySelector('input[type=radio][value="' + value + '"]');
    if (!radio) return false;
    radio.checked = true;
    radio.dispatchEvent(new Event("change", { bubbles: true }));
    moveFrom(question, 1);
    return true;
  }

  function skip() {
    if (!next) return false;
    if (changed && !window.confirm("Các câu trả lời đã chọn chưa được ghi. Vẫn bỏ qua, sang mục tiếp?")) return true;
    changed = false;
    window.location.assign(next.href);
    return true;
  }

  if (next) next.addEventListener("click", function (event) { if (skip()) event.preventDefault(); });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey || typing(target)) return;
    var onRadio = target.type === "radio";
    var onQuestion = questions.indexOf(target) >= 0;
    var key = event.key;
    var done = false;
    if (key >= "1" && key <= "5") done = choose(key);
    else if (key === "n" || key === "N") done = choose("na");
    else if ((key === "ArrowDown" || key === "ArrowUp") && onQuestion) {
      moveFrom(target, key === "ArrowDown" ? 1 : -1);
      done = true;
    } else if (key === "ArrowRight" && !onRadio) done = skip();
    if (done) event.preventDefault();
  });
})();

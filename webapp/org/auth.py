"""Log in (by username or phone), log out, change password, choose the language."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from ..errors import RuleError
from ..extensions import db, limiter
from . import operations
from .forms import ChangePasswordForm, LoginForm
from .settings import session_lifetime

bp = Blueprint("auth", __name__)


def _account_key() -> str:
    """Failed logins are counted per account *and* client address.

    The username and the phone number of an account are one account (one counter, whichever is
    typed). Another address has its own counter, so someone guessing elsewhere never locks the
    owner out of their own phone. `request.remote_addr` is the real client behind the trusted
    proxies (`TRUSTED_PROXIES`), never a header anyone can forge.
    """
    if "shaodian.login_key" not in request.environ:  # asked before and after the view: look up once
        login = (request.form.get("login") or "").strip()
        user = operations.find_login(login) if login else None
        account = f"user:{user.id}" if user else f"name:{login.lower()[:64]}"
        request.environ["shaodian.login_key"] = f"{request.remote_addr}|{account}"
    return request.environ["shaodian.login_key"]


def _address_key() -> str:
    """Failed logins from one address across all accounts (trying one password on many accounts).
    Generous: a village's phones share one mobile address."""
    return f"{request.remote_addr}|*"


def _failed(response) -> bool:
    return response.status_code == 200  # a refused login shows the form again; a success redirects


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_FAILURE_LIMIT"], key_func=_account_key,
               methods=["POST"], deduct_when=_failed)
@limiter.limit(lambda: current_app.config["LOGIN_ADDRESS_LIMIT"], key_func=_address_key,
               methods=["POST"], deduct_when=_failed)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = operations.find_login(form.login.data)
        if user and user.active and user.check_password(form.password.data):
            return _start_session(user)
        form.password.errors.append(_("Wrong username/phone or password."))
    return render_template("auth/login.html", form=form)


def _start_session(user):
    session.clear()  # a fresh session at login: nothing of the previous visitor carries over
    operations.open_session(user, session_lifetime(user))  # the county's setting (field_session_days)
    db.session.commit()
    session.permanent = True
    login_user(user)
    # The CSRF token goes into the login's own cookie. Were it made later, the first pages and the
    # service worker's shell fetches, sent at once, would each make one, and the cookie answered
    # last would void the tokens in the others' forms (400 "表单已过期" on the first submit).
    g.pop(current_app.config["WTF_CSRF_FIELD_NAME"], None)  # the login form's, made for the cleared session
    generate_csrf()
    return redirect(_safe_next(request.args.get("next")) or _landing_page(user))


def _landing_page(user) -> str:
    """Teachers and volunteers work on the field screens; admins start from the overview."""
    return url_for("dashboard.home") if user.is_admin else url_for("pwa.field_home")


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site; never an open redirect."""
    if not target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else None


@bp.route("/logout", methods=["POST"])
def logout():
    operations.close_session(current_user.get_id())
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are logged out."))
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append(_("The current password is wrong."))
        else:
            try:
                operations.change_password(current_user, form.new_password.data, keep_session=current_user.get_id())
            except RuleError as error:
                form.new_password.errors.append(error.message)
            else:
                db.session.commit()
                flash(_("Your password is changed."))
                return redirect(url_for("dashboard.home"))
    return render_template("auth/password.html", form=form)


@bp.route("/language/<code>", methods=["POST"])
def set_language(code: str):
    response = make_response(redirect(_safe_next(request.form.get("next")) or url_for("dashboard.home")))
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="Lax")
    return response

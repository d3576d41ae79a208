"""Signing in through the login form, as a person does: the browser tests' one way in."""

# tests/factories.UserFactory's password.
FACTORY_PASSWORD = "matkhau-thu-2025"


def sign_in(page, live_server, username, password=FACTORY_PASSWORD):
    """Type the username and password on the login page and wait until it is left."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
